import Foundation
import RooftopModel

/// Makes a duplicate of a record the way the same person is entered again at another desk: one to
/// three ``Variation``s, always keeping something a careful reviewer would match on (a phone, an
/// e-mail, or the name with the birth date).
struct Variations {
    let factory: PersonFactory

    func duplicate(of original: GeneratedRecord, _ random: inout SplitMix64) -> GeneratedRecord {
        var record = original
        // A later entry: its own history (the vehicles and visits of that desk).
        record.vehicles = random.chance(30) ? original.vehicles : []
        record.interactions = (0..<random.int(0...2)).map { _ in factory.interaction(&random) }
        record.loyalty = []
        record.journeyStage = nil
        record.surveyScore = nil
        record.sourceType = factory.sources.draw(&random)
        record.createdAt = "\(factory.date(&random, fromYear: 2016))T12:00:00.000Z"
        var applied: [Variation] = []
        let kinds = Variation.allCases.filter { applicable($0, to: original) }
        for _ in 0..<random.int(1...3) {
            let kind = random.pick(kinds)
            if applied.contains(kind) { continue }
            // Keep one strong key: a moved person keeps phone and e-mail; a new e-mail keeps the phone.
            if kind == .missingField, applied.contains(.moved) || applied.contains(.newEmail) || applied.contains(.marriedName) { continue }
            apply(kind, to: &record, &random)
            applied.append(kind)
        }
        // A duplicate nobody could recognise is not a duplicate anyone would label: keep one key.
        if !Self.keepsAKey(record, of: original) {
            if original.phone != nil { record.phone = original.phone } else if original.email != nil { record.email = original.email } else {
                record.street = original.street
                record.city = original.city
                record.state = original.state
                record.postalCode = original.postalCode
                record.birthDate = original.birthDate
            }
        }
        record.origin = .duplicate(applied)
        return record
    }

    /// True when a copy keeps something a careful reviewer matches on: the phone digits, the
    /// e-mail, the birth date, or the street address.
    static func keepsAKey(_ copy: GeneratedRecord, of original: GeneratedRecord) -> Bool {
        let digits = { (phone: String?) in phone.map { String($0.filter(\.isNumber).suffix(10)) } }
        return (copy.phone != nil && digits(copy.phone) == digits(original.phone)) || (copy.email != nil && copy.email == original.email)
            || (copy.birthDate != nil && copy.birthDate == original.birthDate) || (copy.street != nil && copy.street == original.street)
    }

    func applicable(_ kind: Variation, to record: GeneratedRecord) -> Bool {
        switch kind {
        case .nickname: record.firstName.flatMap { Nicknames.byName[$0] } != nil
        case .phoneFormat: record.phone != nil
        case .marriedName: record.contactType == "Individual" && record.lastName != nil
        case .moved: record.street != nil
        case .caseAndAccents, .typo: record.firstName != nil || record.businessName != nil
        case .missingField: (record.email != nil ? 1 : 0) + (record.phone != nil ? 1 : 0) + (record.birthDate != nil ? 1 : 0) >= 2
        case .newEmail: record.email != nil && record.phone != nil
        }
    }

    func apply(_ kind: Variation, to record: inout GeneratedRecord, _ random: inout SplitMix64) {
        switch kind {
        case .caseAndAccents:
            let style = random.int(0...3)
            let change: (String) -> String = { text in
                switch style {
                case 0, 1: text.uppercased()
                case 2: text.lowercased()
                default: Self.stripAccents(text)
                }
            }
            record.firstName = record.firstName.map(change)
            record.lastName = record.lastName.map(change)
            if record.contactType == "Business" { record.businessName = record.businessName.map(change) }
        case .nickname:
            if let first = record.firstName, let nicknames = Nicknames.byName[first] { record.firstName = random.pick(nicknames) }
        case .typo:
            if record.contactType == "Business", let name = record.businessName {
                record.businessName = Self.typo(name, &random)
            } else if random.chance(50), let last = record.lastName, last.count >= 4 {
                record.lastName = Self.typo(last, &random)
            } else if let first = record.firstName, first.count >= 3 {
                record.firstName = Self.typo(first, &random)
            }
        case .phoneFormat:
            if let phone = record.phone {
                let digits = String(phone.filter(\.isNumber).suffix(10))
                var formatted = PersonFactory.format(digits, &random)
                while formatted == phone { formatted = PersonFactory.format(digits, &random) }
                record.phone = formatted
            }
        case .moved:
            let area = factory.metro(&random)
            factory.address(&record, area: area, &random)
        case .marriedName:
            record.lastName = factory.surnames[.general]!.draw(&random)
        case .missingField:
            switch random.int(0...2) {
            case 0 where record.email != nil: record.email = nil
            case 1 where record.phone != nil: record.phone = nil
            default: record.birthDate = nil
            }
        case .newEmail:
            if let first = record.firstName, let last = record.lastName {
                record.email = factory.email(first: first, last: last, birthYear: 1970 + random.int(0...40), &random)
            } else {
                record.email = "contact\(random.int(1...999))@\(factory.domains.draw(&random))"
            }
        }
    }

    /// The text without diacritics, case kept (`Muñoz` → `Munoz`).
    static func stripAccents(_ text: String) -> String {
        let scalars = text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        return String(String.UnicodeScalarView(scalars)).precomposedStringWithCanonicalMapping
    }

    /// One keyboard slip: a substitution by a neighbouring key, a deletion, an insertion or a
    /// transposition, never at the first letter (people rarely mistype that).
    static func typo(_ text: String, _ random: inout SplitMix64) -> String {
        var chars = Array(text)
        guard chars.count >= 3 else { return text }
        let i = random.int(1...(chars.count - 2))
        let neighbours: [Character: String] = ["a": "sq", "e": "wr", "i": "uo", "o": "ip", "u": "yi", "n": "bm", "m": "n", "r": "et", "t": "ry",
                                               "s": "ad", "l": "k", "h": "gj", "c": "xv", "d": "sf", "y": "tu", "g": "fh", "b": "vn"]
        switch random.int(0...3) {
        case 0:
            let lower = Character(chars[i].lowercased())
            let options = neighbours[lower] ?? "e"
            let replacement = random.pick(Array(options))
            chars[i] = chars[i].isUppercase ? Character(replacement.uppercased()) : replacement
        case 1: chars.remove(at: i)
        case 2: chars.insert(chars[i], at: i)
        default: chars.swapAt(i, i + 1)
        }
        let result = String(chars)
        return result == text ? text + "e" : result
    }
}
