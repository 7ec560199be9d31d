//! When to save: the one policy of every automatic save of the app (the drafts of « Remplir »,
//! the workspaces of « Simuler »), as a pure state machine, so that it is tested natively. The
//! app feeds it what happens ([`Event`]) and does what it answers ([`Action`]); clocks and timers
//! stay in the app (`src/autosave.rs`).
//!
//! - A write starts once the user pauses ([`Policy::debounce_ms`] after the last edit), and at
//!   the latest [`Policy::max_wait_ms`] after the first edit not written yet, even while edits
//!   keep coming.
//! - Never two writes at once: an edit made while a write runs waits for it; a write then due (or
//!   asked for by a flush) starts as soon as it is done, with the latest state.
//! - A flush (the page goes away, another tab takes the work over) starts the write at once, or
//!   right after the one running.

/// Timings of the policy, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// A pause in the edits after which the work is written.
    pub debounce_ms: f64,
    /// The longest an edit waits to be written while edits keep coming.
    pub max_wait_ms: f64,
}

/// A pause in typing after which the work is written.
pub const DEBOUNCE_MS: u32 = 400;
/// The longest an unsaved change waits while the user keeps typing.
pub const MAX_WAIT_MS: u32 = 2000;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            debounce_ms: DEBOUNCE_MS as f64,
            max_wait_ms: MAX_WAIT_MS as f64,
        }
    }
}

/// What happened. `now_ms` is any monotonic clock in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    /// The work changed (the app keeps the latest state to write).
    Edited { now_ms: f64 },
    /// The timer asked for by [`Action::ArmTimer`] went off.
    Tick { now_ms: f64 },
    /// The write started by [`Action::WriteNow`] is over (written or refused: the outcome is the
    /// app's business, the next edit will try again).
    WriteDone { now_ms: f64 },
    /// The page is being hidden or closed: write what is pending now.
    PageHidden,
    /// Write what is pending now (another tab takes the work over, another piece of work opens).
    Flush,
}

/// What the app should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing (keep any timer armed).
    Nothing,
    /// Write the latest state now (and cancel any timer armed).
    WriteNow,
    /// (Re)arm the one timer to send [`Event::Tick`] in this many milliseconds.
    ArmTimer(u32),
}

/// The state of one automatic save.
#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    policy: Policy,
    /// First and last edit not handed to a write yet.
    pending: Option<(f64, f64)>,
    writing: bool,
    /// A flush asked for while a write was running: the next write starts right after it.
    urgent: bool,
}

impl Scheduler {
    pub fn new(policy: Policy) -> Self {
        Scheduler {
            policy,
            ..Scheduler::default()
        }
    }

    /// Edits not handed to a write yet.
    pub fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// A write is running.
    pub fn is_writing(&self) -> bool {
        self.writing
    }

    /// Everything written: nothing pending, no write running.
    pub fn is_idle(&self) -> bool {
        !self.writing && self.pending.is_none()
    }

    /// Take one event into account; what to do now.
    pub fn on(&mut self, event: Event) -> Action {
        match event {
            Event::Edited { now_ms } => {
                let first = self.pending.map_or(now_ms, |(first, _)| first);
                self.pending = Some((first, now_ms));
                if self.writing {
                    // Decided when the write is done.
                    Action::Nothing
                } else {
                    self.schedule(now_ms)
                }
            }
            Event::Tick { now_ms } => {
                if self.writing || self.pending.is_none() {
                    Action::Nothing
                } else {
                    self.schedule(now_ms)
                }
            }
            Event::WriteDone { now_ms } => {
                self.writing = false;
                let urgent = std::mem::take(&mut self.urgent);
                match self.pending {
                    None => Action::Nothing,
                    Some(_) if urgent => self.start(),
                    Some(_) => self.schedule(now_ms),
                }
            }
            Event::PageHidden | Event::Flush => {
                if self.pending.is_none() {
                    Action::Nothing
                } else if self.writing {
                    self.urgent = true;
                    Action::Nothing
                } else {
                    self.start()
                }
            }
        }
    }

    /// Write now if the pause or the longest wait is reached, else arm the timer until then.
    fn schedule(&mut self, now_ms: f64) -> Action {
        let Some((first, last)) = self.pending else {
            return Action::Nothing;
        };
        let due = (last + self.policy.debounce_ms).min(first + self.policy.max_wait_ms);
        if now_ms >= due {
            self.start()
        } else {
            Action::ArmTimer((due - now_ms).ceil() as u32)
        }
    }

    fn start(&mut self) -> Action {
        self.pending = None;
        self.writing = true;
        Action::WriteNow
    }
}

#[cfg(test)]
mod tests {
    use super::Action::{ArmTimer, Nothing, WriteNow};
    use super::Event::{Edited, Flush, PageHidden, Tick, WriteDone};
    use super::*;

    /// Each case: a sequence of events, each with the action expected.
    #[allow(clippy::type_complexity)]
    const CASES: &[(&str, &[(Event, Action)])] = &[
        (
            "one edit is written after a 400 ms pause",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Tick { now_ms: 400.0 }, WriteNow),
                (WriteDone { now_ms: 430.0 }, Nothing),
            ],
        ),
        (
            "each edit pushes the write back by 400 ms",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Edited { now_ms: 100.0 }, ArmTimer(400)),
                (Edited { now_ms: 350.0 }, ArmTimer(400)),
                // The timer of an earlier edit, not cancelled in time: not yet.
                (Tick { now_ms: 400.0 }, ArmTimer(350)),
                (Tick { now_ms: 750.0 }, WriteNow),
                (WriteDone { now_ms: 800.0 }, Nothing),
            ],
        ),
        (
            "edits that never pause are written 2 s after the first one",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Edited { now_ms: 300.0 }, ArmTimer(400)),
                (Edited { now_ms: 600.0 }, ArmTimer(400)),
                (Edited { now_ms: 900.0 }, ArmTimer(400)),
                (Edited { now_ms: 1200.0 }, ArmTimer(400)),
                (Edited { now_ms: 1500.0 }, ArmTimer(400)),
                (Edited { now_ms: 1800.0 }, ArmTimer(200)),
                (Tick { now_ms: 2000.0 }, WriteNow),
                // The next edits start a new wait of 2 s at most.
                (Edited { now_ms: 2100.0 }, Nothing),
                (WriteDone { now_ms: 2150.0 }, ArmTimer(350)),
                (Edited { now_ms: 2400.0 }, ArmTimer(400)),
                (Tick { now_ms: 2800.0 }, WriteNow),
                (WriteDone { now_ms: 2810.0 }, Nothing),
            ],
        ),
        (
            "an edit past the longest wait is written at once",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Edited { now_ms: 390.0 }, ArmTimer(400)),
                (Edited { now_ms: 780.0 }, ArmTimer(400)),
                (Edited { now_ms: 1170.0 }, ArmTimer(400)),
                (Edited { now_ms: 1560.0 }, ArmTimer(400)),
                // The timer went off late (a busy page): the edit is written now.
                (Edited { now_ms: 2050.0 }, WriteNow),
            ],
        ),
        (
            "never two writes at once: a write due during one starts after it, with the latest state",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Tick { now_ms: 400.0 }, WriteNow),
                (Edited { now_ms: 500.0 }, Nothing),
                (Edited { now_ms: 600.0 }, Nothing),
                // A slow write (a large convention): the edits are due when it ends.
                (WriteDone { now_ms: 3000.0 }, WriteNow),
                (WriteDone { now_ms: 3100.0 }, Nothing),
            ],
        ),
        (
            "an edit during a short write still waits for its pause",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Tick { now_ms: 400.0 }, WriteNow),
                (Edited { now_ms: 420.0 }, Nothing),
                (WriteDone { now_ms: 450.0 }, ArmTimer(370)),
                (Tick { now_ms: 820.0 }, WriteNow),
                (WriteDone { now_ms: 850.0 }, Nothing),
            ],
        ),
        (
            "the page hidden writes what is pending at once",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (PageHidden, WriteNow),
                // The timer armed before, if it still goes off: nothing left.
                (Tick { now_ms: 400.0 }, Nothing),
                (WriteDone { now_ms: 420.0 }, Nothing),
            ],
        ),
        (
            "the page hidden during a write: the edits since are written right after it",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Tick { now_ms: 400.0 }, WriteNow),
                (Edited { now_ms: 410.0 }, Nothing),
                (PageHidden, Nothing),
                (WriteDone { now_ms: 420.0 }, WriteNow),
                (WriteDone { now_ms: 440.0 }, Nothing),
            ],
        ),
        (
            "a flush with nothing pending does nothing, twice",
            &[
                (Flush, Nothing),
                (PageHidden, Nothing),
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Flush, WriteNow),
                (Flush, Nothing),
                (WriteDone { now_ms: 20.0 }, Nothing),
                (Flush, Nothing),
            ],
        ),
        (
            "a flush during a write with nothing new pending is forgotten",
            &[
                (Edited { now_ms: 0.0 }, ArmTimer(400)),
                (Tick { now_ms: 400.0 }, WriteNow),
                (Flush, Nothing),
                (WriteDone { now_ms: 420.0 }, Nothing),
                // Not urgent any more: the next edit waits for its pause.
                (Edited { now_ms: 500.0 }, ArmTimer(400)),
            ],
        ),
        (
            "a timer rounded up never writes early",
            &[
                (Edited { now_ms: 0.5 }, ArmTimer(400)),
                (Tick { now_ms: 400.2 }, ArmTimer(1)),
                (Tick { now_ms: 400.5 }, WriteNow),
            ],
        ),
    ];

    #[test]
    fn event_sequences_give_the_expected_actions() {
        for (name, steps) in CASES {
            let mut s = Scheduler::default();
            for (i, (event, expected)) in steps.iter().enumerate() {
                let got = s.on(*event);
                assert_eq!(got, *expected, "{name}: step {i} ({event:?})");
            }
        }
    }

    #[test]
    fn the_state_is_told() {
        let mut s = Scheduler::default();
        assert!(s.is_idle());
        s.on(Edited { now_ms: 0.0 });
        assert!(s.has_pending() && !s.is_writing() && !s.is_idle());
        s.on(Flush);
        assert!(!s.has_pending() && s.is_writing() && !s.is_idle());
        s.on(WriteDone { now_ms: 1.0 });
        assert!(s.is_idle());
    }

    #[test]
    fn other_timings() {
        let mut s = Scheduler::new(Policy {
            debounce_ms: 100.0,
            max_wait_ms: 250.0,
        });
        assert_eq!(s.on(Edited { now_ms: 0.0 }), ArmTimer(100));
        assert_eq!(s.on(Edited { now_ms: 90.0 }), ArmTimer(100));
        assert_eq!(s.on(Edited { now_ms: 180.0 }), ArmTimer(70));
        assert_eq!(s.on(Tick { now_ms: 250.0 }), WriteNow);
    }

    /// A simulated user and storage: random edits, timers that go off when asked (or later),
    /// writes of random length. Whatever happens: never two writes at once, every edit written,
    /// no edit waiting much longer than the longest wait plus the write it waited for.
    #[test]
    fn simulated_sessions_keep_the_rules() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..200 {
            let mut s = Scheduler::default();
            let mut now = 0.0f64;
            let mut timer: Option<f64> = None;
            let mut write_ends: Option<f64> = None;
            // Edits (their times) not written, edits in the write running.
            let mut unsaved: Vec<f64> = Vec::new();
            let mut in_write: Vec<f64> = Vec::new();
            let mut worst: f64 = 0.0;
            let mut longest_write: f64 = 0.0;
            let mut edits_left = 40 + rnd(40);
            let mut next_edit = Some(0.0);
            let hide_at = (rnd(4) == 0).then(|| rnd(6000) as f64);
            let mut hidden = false;
            loop {
                // The next thing to happen.
                let candidates = [next_edit, timer, write_ends, hide_at.filter(|_| !hidden)];
                let Some(t) = candidates.iter().flatten().copied().reduce(f64::min) else {
                    break;
                };
                now = now.max(t);
                let event = if write_ends == Some(t) {
                    write_ends = None;
                    for e in in_write.drain(..) {
                        worst = worst.max(now - e);
                    }
                    WriteDone { now_ms: now }
                } else if timer == Some(t) {
                    timer = None;
                    Tick { now_ms: now }
                } else if next_edit == Some(t) {
                    unsaved.push(now);
                    edits_left -= 1;
                    next_edit = (edits_left > 0)
                        .then(|| now + [30, 150, 399, 401, 900][rnd(5) as usize] as f64);
                    Edited { now_ms: now }
                } else {
                    hidden = true;
                    PageHidden
                };
                match s.on(event) {
                    Nothing => {}
                    ArmTimer(ms) => {
                        // A timer may go off late, never early.
                        timer = Some(now + ms as f64 + rnd(3) as f64 * 50.0);
                    }
                    WriteNow => {
                        assert!(write_ends.is_none(), "two writes at once");
                        assert!(!unsaved.is_empty(), "a write with nothing to write");
                        timer = None;
                        let length = [5, 40, 300, 2500][rnd(4) as usize] as f64;
                        longest_write = longest_write.max(length);
                        write_ends = Some(now + length);
                        in_write.append(&mut unsaved);
                    }
                }
            }
            assert!(
                unsaved.is_empty() && in_write.is_empty(),
                "every edit written"
            );
            assert!(s.is_idle());
            // The longest wait, one write waited for, one write, timers late by 100 ms at most.
            let bound = MAX_WAIT_MS as f64 + 2.0 * longest_write + 100.0;
            assert!(worst <= bound, "an edit waited {worst} ms (bound {bound})");
        }
    }
}
