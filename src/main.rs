fn main() {
    cus_app::start();
}
