mod common;

use proptest::prelude::*;

proptest! {
    #[test]
    fn generator_smoke(conv in common::arb_convention()) {
        let cat = common::catalogue_of(&conv);
        let n = conv.cells(cat, common::geo_of(&conv)).len();
        prop_assert!(n < 100_000);
    }
}

#[test]
fn generator_sizes() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut max = 0;
    let mut total = 0;
    for _ in 0..200 {
        let conv = common::arb_convention().new_tree(&mut runner).unwrap().current();
        let n = conv.cells(common::catalogue_of(&conv), common::geo_of(&conv)).len();
        max = max.max(n);
        total += n;
    }
    eprintln!("max {max} mean {}", total / 200);
}
