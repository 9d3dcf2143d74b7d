//! libphonenumber's numbering plans as static tables, written at build time from
//! the `phonenumber` crate's metadata (see `build.rs`). Reading them costs
//! nothing: `phonenumber` builds its database on first use by checking the syntax
//! of every pattern of every region (about 0.12 s of CPU), where a check touches a
//! handful of them, each compiled when first needed.

/// A descriptor: the national numbers of one type.
#[derive(Debug)]
pub(super) struct Desc {
    /// Matched at the start of a national number.
    pub pattern: &'static str,
    /// The lengths a national number of this type has (empty: any).
    pub lengths: &'static [u16],
    /// The lengths of numbers dialled only within an area.
    pub local_lengths: &'static [u16],
}

/// One way a region writes its national numbers.
#[derive(Debug)]
pub(super) struct Format {
    pub pattern: &'static str,
    /// The replacement, `$1 $2`.
    pub format: &'static str,
    /// The pattern of the digits a number must begin with to be written this
    /// way (the last and most precise of the metadata's list).
    pub leading_digits: Option<&'static str>,
    /// How the national prefix goes with the first group, `$NP$FG`.
    pub national_prefix_rule: Option<&'static str>,
    /// How a carrier code goes with the first group, `$NP$CC $FG`.
    pub domestic_carrier: Option<&'static str>,
}

/// One region's numbering plan.
#[derive(Debug)]
pub(super) struct Region {
    /// Where it stands in [`REGIONS`].
    pub index: usize,
    pub id: &'static str,
    pub code: u16,
    pub international_prefix: Option<&'static str>,
    pub national_prefix: Option<&'static str>,
    pub national_prefix_for_parsing: Option<&'static str>,
    pub national_prefix_transform_rule: Option<&'static str>,
    /// Which national numbers of a shared country code are this region's.
    pub leading_digits: Option<&'static str>,
    pub general: Desc,
    pub premium_rate: Option<Desc>,
    pub toll_free: Option<Desc>,
    pub shared_cost: Option<Desc>,
    pub voip: Option<Desc>,
    pub personal_number: Option<Desc>,
    pub pager: Option<Desc>,
    pub uan: Option<Desc>,
    pub voicemail: Option<Desc>,
    pub fixed_line: Option<Desc>,
    pub mobile: Option<Desc>,
    pub formats: &'static [Format],
}

include!(concat!(env!("OUT_DIR"), "/numbering_plans.rs"));

/// The regions with this country code, the main one first (`phonenumber`'s
/// `by_code` order); empty for a code no region has.
pub(super) fn by_code(code: u16) -> &'static [Region] {
    match BY_CODE.binary_search_by_key(&code, |&(c, _, _)| c) {
        Ok(i) => {
            let (_, first, count) = BY_CODE[i];
            &REGIONS[first..first + count]
        }
        Err(_) => &[],
    }
}

/// The DFA built with Tenet for a pattern matched where a national number
/// starts (`^(?:source)`), serialized; `None` for a pattern left to be compiled
/// when used.
pub(super) fn dfa_of(source: &str) -> Option<&'static [u8]> {
    let i = DFAS.binary_search_by_key(&source, |&(s, _, _)| s).ok()?;
    let (_, start, end) = DFAS[i];
    DFA_BYTES.get(start..end)
}

/// The region with this id (`US`; `001` is one of the non-geographic entities,
/// as `phonenumber`'s `by_id` has it).
pub(super) fn by_id(id: &str) -> Option<&'static Region> {
    let i = BY_ID.binary_search_by_key(&id, |&(id, _)| id).ok()?;
    Some(&REGIONS[BY_ID[i].1])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables hold what `phonenumber`'s database holds, looked up the same way.
    #[test]
    fn the_tables_are_phonenumbers_metadata() {
        let database = &*phonenumber::metadata::DATABASE;
        let mut seen = 0;
        for code in 0..=999u16 {
            let ours = by_code(code);
            let theirs = database.by_code(&code).unwrap_or_default();
            assert_eq!(ours.len(), theirs.len(), "code {code}");
            let ids = database.region(&code).unwrap_or_default();
            for ((r, m), id) in ours.iter().zip(&theirs).zip(ids) {
                assert_eq!((r.id, r.code), (m.id(), m.country_code()));
                assert_eq!(r.id, id);
                let d = m.descriptors();
                assert_eq!(r.general.pattern, d.general().national_number().as_str());
                assert_eq!(r.general.lengths, d.general().possible_length());
                assert_eq!(
                    r.mobile.as_ref().map(|d| d.pattern),
                    d.mobile().map(|d| d.national_number().as_str())
                );
                assert_eq!(
                    r.national_prefix_for_parsing,
                    m.national_prefix_for_parsing().map(|p| p.as_str())
                );
                assert_eq!(r.formats.len(), m.formats().len());
                seen += 1;
            }
        }
        assert!(seen > 240, "{seen} regions");
        for meta in database.iter() {
            let ours = by_id(meta.id()).expect("every id");
            assert_eq!(ours.code, meta.country_code(), "{}", meta.id());
        }
        assert!(by_id("ZZ").is_none());
    }
}
