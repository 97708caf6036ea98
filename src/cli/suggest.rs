//! "Did you mean" suggestions, chosen as Python's `difflib.get_close_matches` does.

use std::collections::{HashMap, HashSet};

/// `difflib.get_close_matches(word, possibilities)` with n=3 and cutoff=0.6, then
/// sorted alphabetically as click prints them.
pub fn close_matches<'a>(word: &str, possibilities: &[&'a str]) -> Vec<&'a str> {
    let b: Vec<char> = word.chars().collect();
    let matcher = Matcher::new(&b);
    let mut scored: Vec<(f64, &'a str)> = possibilities
        .iter()
        .filter_map(|&x| {
            let a: Vec<char> = x.chars().collect();
            let ratio = matcher.ratio(&a);
            (ratio >= 0.6).then_some((ratio, x))
        })
        .collect();
    // heapq.nlargest on (score, word) tuples.
    scored.sort_by(|l, r| r.0.total_cmp(&l.0).then_with(|| r.1.cmp(l.1)));
    let mut best: Vec<&str> = scored.into_iter().take(3).map(|(_, x)| x).collect();
    best.sort_unstable();
    best
}

/// `difflib.SequenceMatcher` with a fixed second sequence `b`.
struct Matcher<'b> {
    b: &'b [char],
    b2j: HashMap<char, Vec<usize>>,
}

impl<'b> Matcher<'b> {
    fn new(b: &'b [char]) -> Self {
        let mut b2j: HashMap<char, Vec<usize>> = HashMap::new();
        for (j, &c) in b.iter().enumerate() {
            b2j.entry(c).or_default().push(j);
        }
        // autojunk: in sequences of 200 or more, very common elements are ignored.
        if b.len() >= 200 {
            let limit = b.len() / 100 + 1;
            let popular: HashSet<char> = b2j
                .iter()
                .filter(|(_, js)| js.len() > limit)
                .map(|(&c, _)| c)
                .collect();
            b2j.retain(|c, _| !popular.contains(c));
        }
        Matcher { b, b2j }
    }

    fn ratio(&self, a: &[char]) -> f64 {
        let total = a.len() + self.b.len();
        if total == 0 {
            return 1.0;
        }
        2.0 * self.matching_chars(a) as f64 / total as f64
    }

    /// The sum of `get_matching_blocks()` sizes.
    fn matching_chars(&self, a: &[char]) -> usize {
        let mut queue = vec![(0, a.len(), 0, self.b.len())];
        let mut total = 0;
        while let Some((alo, ahi, blo, bhi)) = queue.pop() {
            let (i, j, k) = self.longest_match(a, alo, ahi, blo, bhi);
            if k > 0 {
                total += k;
                if alo < i && blo < j {
                    queue.push((alo, i, blo, j));
                }
                if i + k < ahi && j + k < bhi {
                    queue.push((i + k, ahi, j + k, bhi));
                }
            }
        }
        total
    }

    /// `find_longest_match`: the earliest longest block, extended over ignored elements.
    fn longest_match(
        &self,
        a: &[char],
        alo: usize,
        ahi: usize,
        blo: usize,
        bhi: usize,
    ) -> (usize, usize, usize) {
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
        let mut j2len: HashMap<usize, usize> = HashMap::new();
        for (i, c) in a.iter().enumerate().take(ahi).skip(alo) {
            let mut next: HashMap<usize, usize> = HashMap::new();
            if let Some(js) = self.b2j.get(c) {
                for &j in js {
                    if j < blo {
                        continue;
                    }
                    if j >= bhi {
                        break;
                    }
                    let k = j.checked_sub(1).and_then(|p| j2len.get(&p)).unwrap_or(&0) + 1;
                    next.insert(j, k);
                    if k > bestsize {
                        (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
                    }
                }
            }
            j2len = next;
        }
        let b = self.b;
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1);
        }
        while besti + bestsize < ahi
            && bestj + bestsize < bhi
            && a[besti + bestsize] == b[bestj + bestsize]
        {
            bestsize += 1;
        }
        (besti, bestj, bestsize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY_OPTS: &[&str] = &[
        "--read-only",
        "--write-only",
        "--prefix",
        "--statement",
        "--public-bucket",
        "--help",
    ];

    #[test]
    fn suggestions_match_upstream_examples() {
        assert_eq!(close_matches("--prefx", POLICY_OPTS), ["--prefix"]);
        assert_eq!(
            close_matches("--rea", POLICY_OPTS),
            ["--prefix", "--read-only"]
        );
        assert_eq!(close_matches("--write", POLICY_OPTS), ["--write-only"]);
        assert!(close_matches("--bogus", POLICY_OPTS).is_empty());
        let commands = [
            "create",
            "list-bucket",
            "list-buckets",
            "list-roles",
            "policy",
        ];
        assert_eq!(close_matches("polcy", &commands), ["policy"]);
        assert!(close_matches("list", &commands).is_empty());
    }

    #[test]
    fn ratio_is_difflib_ratio() {
        // Values computed with CPython's difflib.SequenceMatcher(None, a, b).ratio().
        let m = |a: &str, b: &str| {
            let b: Vec<char> = b.chars().collect();
            Matcher::new(&b).ratio(&a.chars().collect::<Vec<_>>())
        };
        assert_eq!(m("abcd", "bcde"), 0.75);
        assert_eq!(m("policy", "polcy"), 10.0 / 11.0);
        assert_eq!(m("", ""), 1.0);
        assert_eq!(m("abxcd", "abcd"), 8.0 / 9.0);
    }

    #[test]
    fn at_most_three_best_are_kept() {
        let words = ["abcd1", "abcd2", "abcd3", "abcd4"];
        assert_eq!(close_matches("abcd", &words), ["abcd2", "abcd3", "abcd4"]);
    }
}
