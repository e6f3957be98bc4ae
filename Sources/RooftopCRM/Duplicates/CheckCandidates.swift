import Foundation
import RooftopModel
import RooftopStore

/// The existing customers a new record is scored against by the check on create (REST, CLI, CSV
/// and ADF imports; `sync-protocol/duplicate-detection.md#the-check-on-create`). Every lookup is an
/// index lookup, bounded, so the check stays within milliseconds at a million customers:
/// - the same e-mail, or a phone in E.164;
/// - every name word exactly (folded), at most ``nameLimit``, kept when the birth date or an address
///   could agree too (``couldMatchBeyondTheName(_:_:)``: a name alone is never a confident match);
/// - the same birth date, or the same house number in the same postal code, with a name that
///   resembles (given name or surname equal, nickname, initial, or one typing slip apart): a name typed
///   with a typo, a nickname or a married name and no shared e-mail or phone, at most
///   ``resemblingLimit`` each. Household members at one address pass this filter too; the model's
///   score tells them apart, as in a scan.
enum CheckCandidates {
    static let nameLimit = 25
    /// Rows read per birth date or place before the name filter (about 45 people share a birth date at a million).
    static let rowsRead = 200
    static let resemblingLimit = 25

    static func ids(for record: MatchRecord, _ probe: MatchInput, _ tx: StoreTransaction) throws -> Set<String> {
        var ids = Set<String>()
        if let email = record.email { ids.formUnion(try tx.customerIDs(withEmail: email).map(\.string)) }
        for phone in record.phones { ids.formUnion(try tx.customerIDs(withPhone: phone).map(\.string)) }
        guard record.given != nil || record.surname != nil else { return ids }
        let name = [probe.firstName, probe.lastName ?? probe.businessName].compactMap { $0 }.joined(separator: " ")
        // The name words exactly (folded). (Adding the city to the full-text query was measured
        // slower: a city's posting list is long.) A namesake found by nothing else is loaded only when
        // it could be a confident match: a name alone never is.
        if !name.isEmpty, couldAgreeBeyondTheName(record) {
            let namesakes = try tx.namesakesWithPlaces(nameWords: name, limit: nameLimit).filter { !ids.contains($0.id) }
            ids.formUnion(couldMatchBeyondTheName(record, namesakes))
        }
        if let birthDate = record.birthDate {
            ids.formUnion(resembling(record, try tx.customerNames(bornOn: birthDate, limit: rowsRead)))
        }
        if let address = probe.addresses.first, let street = address.street, let postalCode = address.postalCode,
           let house = PostalAddress.houseNumber(street) {
            let typed = postalCode.trimmingCharacters(in: .whitespaces)
            let codes = Set([typed, PostalAddress.postalCode(typed)].compactMap { $0 }).sorted()
            ids.formUnion(resembling(record, try tx.customerNames(atPostalCodes: codes, streetStartingWith: house + " ", limit: rowsRead)))
        }
        return ids
    }

    /// Whether `record` has anything a namesake could agree on beyond the name that the other lookups
    /// do not find: a birth date (one slip apart), an e-mail local part with a digit, a postal code,
    /// a city or a street. Without any, its namesakes are not looked up (a name alone is never a
    /// confident match).
    static func couldAgreeBeyondTheName(_ record: MatchRecord) -> Bool {
        record.birthDate != nil || record.emailLocalPartHasDigit || record.postalCode != nil || record.cityKey != nil || record.street != nil
    }

    /// The ids of those of `namesakes` (rows of ``StoreTransaction/namesakesWithPlaces(nameWords:limit:)``)
    /// whose birth date is the record's or one slip from it, whose e-mail has the record's local part
    /// with a digit (`jgomez8463` at another provider), or with an address at the record's postal code,
    /// city or street: a pair must agree on more than a name to be confident (``MatchScore/isConfident``),
    /// and those are the agreements left (the same e-mail, a phone, the same birth date and house number
    /// are looked up on their own).
    static func couldMatchBeyondTheName(_ record: MatchRecord, _ namesakes: [StoreTransaction.NamesakePlace]) -> Set<String> {
        let localPart = record.emailLocalPartHasDigit ? record.emailLocalPart : nil
        var kept = Set<String>()
        for row in namesakes where !kept.contains(row.id) {
            var agrees = false
            if let mine = record.birthDate, let theirs = row.birthDate.flatMap({ Timestamp.isCanonicalDate($0) ? $0 : Timestamp.normaliseDate($0) }),
               mine == theirs || FieldComparator.dateClose(Array(mine.utf8), Array(theirs.utf8)) {
                agrees = true
            } else if let localPart, let theirs = row.email, theirs.lowercased().prefix(while: { $0 != "@" }) == localPart {
                agrees = true
            } else if let mine = record.postalCode, row.postalCode.flatMap(MatchKeys.postalCode) == mine {
                agrees = true
            } else if let mine = record.cityKey, row.city.flatMap(MatchKeys.name).map({ $0.filter { $0 != " " } }) == mine {
                agrees = true
            } else if let mine = record.street, row.street.flatMap(MatchKeys.street) == mine {
                agrees = true
            }
            if agrees { kept.insert(row.id) }
        }
        return kept
    }

    /// The ids of `names` whose given name or surname resembles `record`'s, those resembling on both first,
    /// at most ``resemblingLimit``.
    static func resembling(_ record: MatchRecord, _ names: [StoredCustomerName]) -> [String] {
        var ranked: [(agreeing: Int, id: String)] = []
        for name in names {
            var input = MatchInput(id: name.id)
            input.contactType = name.contactType
            input.firstName = name.firstName
            input.lastName = name.lastName
            input.businessName = name.businessName
            let other = MatchKeys.record(input)
            guard other.isBusiness == record.isBusiness else { continue }
            var agreeing = 0
            if FieldComparator.given(record, other).isAgreement { agreeing += 1 }
            if FieldComparator.surname(record, other).isAgreement { agreeing += 1 }
            if agreeing == 0, FieldComparator.swapped(record, other) { agreeing = 2 }
            if agreeing > 0 { ranked.append((agreeing, name.id)) }
        }
        ranked.sort { ($0.agreeing, $1.id) > ($1.agreeing, $0.id) }
        return ranked.prefix(resemblingLimit).map(\.id)
    }
}
