// Package ident parses, validates and normalises the Chinese identifiers that xingjian stores for
// people and organisations, following docs DOMAIN.md §4:
//
//   - 公民身份号码 (resident ID, GB 11643-1999): [ParseResidentID], [ResidentIDCheckChar];
//   - 统一社会信用代码 (unified social credit code, GB 32100-2015): [ParseUSCC], [USCCCheckChar], [MakeUSCC];
//   - 组织机构代码 (organisation code, GB 11714-1997): [ParseOrgCode], [OrgCodeCheckChar];
//   - GB/T 2260 administrative division codes, current and historical: [RegionName], [LookupRegion];
//   - free-text clean-up for names and identifiers: [NormalizeText].
//
// # Errors and store-and-flag
//
// Every failure is an [*Error] with a stable machine code (the Code* constants) and a Chinese message
// suitable for showing to users. Errors come in two kinds:
//
//   - hard errors (empty, bad_length, bad_char, bad_date): the input is not an identifier of that kind;
//     the returned value is the zero value. Callers that must keep the row store the raw input (or
//     [NormalizeText] of it) and flag it.
//   - soft errors (bad_check, unknown_region; see [IsSoft]): the input is well-formed, so the returned
//     value is fully populated from it, but it did not validate. The importer stores the normalised
//     value and flags it. Whether a soft error means "invalid" is the caller's policy: for a resident
//     ID a wrong check character means the number is wrong; for a USCC DOMAIN.md §4.2 says a failed
//     check is only a warning because some registered codes fail it (the API exposes it as uscc_valid).
//
// All functions are pure (ParseResidentID reads the clock; use [ParseResidentIDAsOf] for a fixed date),
// safe for concurrent use, and never panic.
package ident
