//! A byte trie for anchored walks: which terms begin at a given position. Built
//! from the sorted terms in one linear pass (no failure links: an anchored walk
//! never needs them), and laid out so that one step reads one node's bytes,
//! which sit together in memory.

use crate::text::blanks;

/// Node layout in [`Trie::nodes`], at the node's offset: `edges: u16,
/// matches: u16`, then a sparse node has `labels: [u8; edges], children: [u32;
/// edges]` (labels in increasing order) and a dense one (`edges == DENSE`)
/// `children: [u32; classes]` indexed by the byte's class (0: no child); then
/// `patterns: [u32; matches]`.
const HEADER: usize = 4;

/// The `edges` of a dense node.
const DENSE: u16 = u16::MAX;

/// Nodes with more children than this are dense: one lookup instead of a scan.
const SPARSE_MAX: usize = 8;

#[derive(Debug, Clone)]
pub(super) struct Trie {
    /// The node each first byte leads to (0: none; the root is never a child).
    first: Box<[u32; 256]>,
    /// Each byte's class: the bytes that occur in the patterns numbered from 0,
    /// the others all in the last class, which no edge uses.
    class: Box<[u8; 256]>,
    classes: usize,
    /// What a byte is compared as: itself, or for a caseless trie its ASCII lower
    /// case (`first` and `class` already map an upper-case byte like its lower case).
    fold: Box<[u8; 256]>,
    nodes: Vec<u8>,
}

impl Trie {
    /// The trie of `pats`; a walk reports pattern `i` for `pats[i]`. Empty
    /// patterns never match. A `caseless` trie (of patterns in lower case) also
    /// matches their ASCII letters in upper case.
    pub(super) fn new(pats: &[&[u8]], caseless: bool) -> Trie {
        let mut fold = Box::new([0u8; 256]);
        for (b, f) in fold.iter_mut().enumerate() {
            let b = b as u8;
            *f = if caseless { b.to_ascii_lowercase() } else { b };
        }
        let mut order: Vec<u32> = (0..pats.len() as u32)
            .filter(|&i| !pats[i as usize].is_empty())
            .collect();
        order.sort_unstable_by(|&a, &b| pats[a as usize].cmp(pats[b as usize]));
        let shape = Shape::of(pats, &order);
        let mut used = [false; 256];
        for &b in &shape.labels {
            used[b as usize] = true;
        }
        let mut class = Box::new([0u8; 256]);
        let mut classes = 0;
        for b in 0..256 {
            if used[b] {
                class[b] = classes as u8;
                classes += 1;
            }
        }
        // 256 used bytes leave no class for the unused ones, and none is needed.
        for b in (0..256).filter(|&b| !used[b]) {
            class[b] = classes as u8;
        }
        for b in 0..256 {
            class[b] = class[fold[b] as usize];
        }
        let dense = |edges: usize| edges > SPARSE_MAX;
        // Nodes are laid out depth first, each followed by its first child: a
        // walk down a term's own tail (one child after another) reads nodes that
        // sit side by side, not one per level of the trie far apart.
        let mut layout = Vec::with_capacity(shape.edges.len());
        let mut stack = vec![0u32];
        while let Some(n) = stack.pop() {
            layout.push(n as usize);
            let edges = shape.edges[n as usize].clone();
            stack.extend(edges.rev().map(|e| shape.children[e as usize]));
        }
        // Each node's offset, then the nodes written in that order.
        let mut offsets = vec![0u32; shape.edges.len()];
        let mut size = 0usize;
        for &n in &layout {
            offsets[n] = u32::try_from(size).expect("term trie below 4 GiB");
            let (edges, matches) = (shape.edges[n].len(), shape.matches[n].len());
            let children = if dense(edges) { classes * 4 } else { edges * 5 };
            size += HEADER + children + matches * 4;
        }
        let mut nodes = Vec::with_capacity(size);
        for n in layout {
            let (edges, matches) = (shape.edges[n].clone(), &shape.matches[n]);
            let child = |e: u32| offsets[shape.children[e as usize] as usize];
            let count = u16::try_from(matches.len()).expect("duplicates of one term below 65,536");
            if dense(edges.len()) {
                let mut slots = vec![0u32; classes];
                for e in edges {
                    slots[class[shape.labels[e as usize] as usize] as usize] = child(e);
                }
                nodes.extend_from_slice(&DENSE.to_le_bytes());
                nodes.extend_from_slice(&count.to_le_bytes());
                nodes.extend(slots.iter().flat_map(|c| c.to_le_bytes()));
            } else {
                nodes.extend_from_slice(&(edges.len() as u16).to_le_bytes());
                nodes.extend_from_slice(&count.to_le_bytes());
                nodes.extend(edges.clone().map(|e| shape.labels[e as usize]));
                nodes.extend(edges.flat_map(|e| child(e).to_le_bytes()));
            }
            for &p in &order[matches.clone()] {
                nodes.extend_from_slice(&p.to_le_bytes());
            }
        }
        let mut first = Box::new([0u32; 256]);
        for e in shape.edges[0].clone() {
            first[shape.labels[e as usize] as usize] = offsets[shape.children[e as usize] as usize];
        }
        for b in 0..256 {
            first[b] = first[fold[b] as usize];
        }
        Trie {
            first,
            class,
            classes,
            fold,
            nodes,
        }
    }

    /// Whether some pattern begins with byte `b`.
    #[inline]
    pub(super) fn can_start(&self, b: u8) -> bool {
        self.first[b as usize] != 0
    }

    /// Calls `found(pattern, end)` for every pattern that `bytes` begins with,
    /// shortest first (`end` is where it ends in `bytes`: its length, unless a
    /// space in it matched a longer run of blanks).
    #[inline]
    pub(super) fn walk(&self, bytes: &[u8], found: impl FnMut(usize, usize)) {
        let Some(&b) = bytes.first() else { return };
        self.walk_from(self.first[b as usize], 1, bytes, found);
    }

    /// The node reached by walking `prefix` (the patterns that begin with it), or
    /// `None` when no pattern does.
    pub(super) fn node_after(&self, prefix: &[u8]) -> Option<u32> {
        let (&b, rest) = prefix.split_first()?;
        let mut node = self.first[b as usize];
        for &b in rest {
            if node == 0 {
                return None;
            }
            node = self.child(node as usize, self.u32_at(node as usize) as u16, b);
        }
        (node != 0).then_some(node)
    }

    /// [`Trie::walk`] from `node`, reached by walking the first `depth` bytes of
    /// `bytes`: the patterns that end at `node` or below it.
    #[inline]
    pub(super) fn walk_from(
        &self,
        node: u32,
        depth: usize,
        bytes: &[u8],
        mut found: impl FnMut(usize, usize),
    ) {
        let (mut node, mut end) = (node as usize, depth);
        while node != 0 {
            let header = self.u32_at(node);
            let (edges, matches) = (header as u16, (header >> 16) as usize);
            let body = node + HEADER;
            let patterns = if edges == DENSE {
                body + self.classes * 4
            } else {
                body + edges as usize * 5
            };
            for m in 0..matches {
                found(self.u32_at(patterns + m * 4) as usize, end);
            }
            let Some(&b) = bytes.get(end) else { return };
            if b > b' ' {
                node = self.child(node, edges, b) as usize;
                end += 1;
            } else {
                // A space after a term's first byte matches a run of blanks
                // (`text::blanks`); every blank byte is at most a space.
                let lone_space = b == b' ' && bytes.get(end + 1).is_some_and(|&n| n > b' ');
                let (label, len) = match if lone_space {
                    1
                } else {
                    blanks::run(&bytes[end..])
                } {
                    0 => (b, 1),
                    run => (b' ', run),
                };
                node = self.child(node, edges, label) as usize;
                end += len;
            }
        }
    }

    /// The child of `node` (whose header gives `edges`) by byte `b`, or 0.
    #[inline]
    fn child(&self, node: usize, edges: u16, b: u8) -> u32 {
        let body = node + HEADER;
        if edges == DENSE {
            let class = self.class[b as usize] as usize;
            if class == self.classes {
                return 0;
            }
            self.u32_at(body + class * 4)
        } else {
            let (edges, b) = (edges as usize, self.fold[b as usize]);
            match self.nodes[body..body + edges].iter().position(|&l| l == b) {
                Some(k) => self.u32_at(body + edges + k * 4),
                None => 0,
            }
        }
    }

    #[inline]
    fn u32_at(&self, at: usize) -> u32 {
        let bytes: [u8; 4] = self.nodes[at..at + 4].try_into().expect("four bytes");
        u32::from_le_bytes(bytes)
    }
}

/// The trie as flat arrays, nodes numbered breadth-first from the root (0):
/// node `n`'s edges are `edges[n]` (indexes into `labels` and `children`), and
/// the patterns ending there `order[matches[n]]`.
struct Shape {
    edges: Vec<std::ops::Range<u32>>,
    matches: Vec<std::ops::Range<usize>>,
    labels: Vec<u8>,
    children: Vec<u32>,
}

impl Shape {
    /// Breadth-first over ranges of the sorted patterns: a node is the range of
    /// patterns that share its path, and its children split that range by the
    /// next byte. Each pattern byte is looked at once per node on its path.
    fn of(pats: &[&[u8]], order: &[u32]) -> Shape {
        let mut shape = Shape {
            edges: Vec::new(),
            matches: Vec::new(),
            labels: Vec::new(),
            children: Vec::new(),
        };
        let byte = |i: usize, depth: usize| pats[order[i] as usize].get(depth).copied();
        let mut queue = std::collections::VecDeque::from([(0, order.len(), 0)]);
        while let Some((lo, hi, depth)) = queue.pop_front() {
            // Sorted, so the patterns that end here come first.
            let mut i = lo;
            while i < hi && byte(i, depth).is_none() {
                i += 1;
            }
            shape.matches.push(lo..i);
            let first_edge = shape.labels.len() as u32;
            while i < hi {
                let b = byte(i, depth).expect("longer than the depth");
                let mut j = i + 1;
                while j < hi && byte(j, depth) == Some(b) {
                    j += 1;
                }
                shape.labels.push(b);
                let child = shape.edges.len() + queue.len() + 1;
                shape
                    .children
                    .push(u32::try_from(child).expect("term trie below 4G nodes"));
                queue.push_back((i, j, depth + 1));
                i = j;
            }
            // A node has at most 256 children, one per byte value.
            shape.edges.push(first_edge..shape.labels.len() as u32);
        }
        shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (pattern, start, end) found by walking from each position of `text`.
    fn walk_all(pats: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let bytes: Vec<&[u8]> = pats.iter().map(|p| p.as_bytes()).collect();
        let trie = Trie::new(&bytes, false);
        let mut out = Vec::new();
        for start in 0..text.len() {
            trie.walk(&text.as_bytes()[start..], |p, len| {
                out.push((p, start, start + len))
            });
        }
        out.sort();
        out
    }

    fn brute(pats: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for start in 0..text.len() {
            for (p, pat) in pats.iter().enumerate() {
                if !pat.is_empty() && text.as_bytes()[start..].starts_with(pat.as_bytes()) {
                    out.push((p, start, start + pat.len()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_walk_finds_every_pattern_that_begins_there() {
        let pats = [
            "a", "ab", "abc", "b", "bcd", "abd", "", "ab", "zz", "é", "\u{0}", "cd",
        ];
        let text = "abcd abd zzz é ab\u{0}cd";
        assert_eq!(walk_all(&pats, text), brute(&pats, text));
        assert!(
            walk_all(&pats, text).contains(&(7, 0, 2)),
            "duplicates both report"
        );
    }

    #[test]
    fn the_trie_agrees_with_brute_force_on_many_prefix_chained_terms() {
        let owned: Vec<String> = (0..600).map(|i| format!("t{i}")).collect();
        let pats: Vec<&str> = owned.iter().map(String::as_str).collect();
        let text = "t1 t10 t100 t599 t600 tx t59";
        assert_eq!(walk_all(&pats, text), brute(&pats, text));
    }

    #[test]
    fn a_node_with_every_byte_value_as_a_child() {
        let owned: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b'x', b]).collect();
        let pats: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let trie = Trie::new(&pats, false);
        for b in 0..=255u8 {
            let mut found = Vec::new();
            trie.walk(&[b'x', b, b'y'], |p, len| found.push((p, len)));
            // A space in a term takes a tab or a line break.
            let want = if b == b'\t' || b == b'\n' { b' ' } else { b };
            assert_eq!(found, [(want as usize, 2)]);
        }
    }
}
