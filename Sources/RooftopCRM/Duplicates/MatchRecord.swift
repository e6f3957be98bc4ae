import RooftopModel

/// A customer as duplicate detection sees it: match keys computed from the stored values by
/// ``MatchKeys``, the same on every rooftop. Stored values keep their accents and case; only these
/// keys are folded.
public struct MatchRecord: Sendable, Hashable {
    /// The customer's id (canonical UUID text).
    public var id: String
    /// True for a business customer: `surname` then holds the folded business name.
    public var isBusiness = false
    /// The folded first given name (`José` → `jose`), nil when absent.
    public var given: String? {
        didSet {
            givenAliasGroups = given.flatMap { NicknameTable.groupsByName[$0] } ?? []
            givenIsInitial = given.map { $0.utf8.count <= 4 && $0.count == 1 } ?? false
        }
    }
    /// The nickname-table groups ``given`` belongs to (empty when none).
    private(set) var givenAliasGroups: [Int] = []
    /// ``given`` is one character (an initial).
    private(set) var givenIsInitial = false
    /// The folded surname, or the business name of a business.
    public var surname: String?
    /// American Soundex of ``surname``.
    public var surnameCode: String?
    /// Birth date `YYYY-MM-DD`.
    public var birthDate: String?
    /// The e-mail address, trimmed and lower-cased. Setting it sets ``emailLocalPart`` and
    /// ``emailLocalPartHasDigit``.
    public var email: String? {
        didSet {
            emailLocalPart = email.map { String($0.prefix { $0 != "@" }) }
            emailLocalPartHasDigit = emailLocalPart?.contains(where: \.isNumber) ?? false
        }
    }
    /// The part of ``email`` before the `@`.
    public private(set) var emailLocalPart: String?
    /// True when ``emailLocalPart`` holds a digit (`jgomez8463`).
    public private(set) var emailLocalPartHasDigit = false
    /// Phones in E.164 that belong to the person (type Mobile, or of unknown type).
    public var personalPhones: [String] = []
    /// Phones in E.164 that a household or an office may share (Home, Work, Other).
    public var sharedPhones: [String] = []
    /// The street line with suffixes and directionals abbreviated per USPS Publication 28, folded.
    /// Setting it sets ``streetName`` and ``streetWords`` (computed once, compared per pair).
    public var street: String? {
        didSet {
            streetName = street.map(FieldComparator.withoutNumber)
            streetWords = street.map { $0.split(separator: " ").sorted().joined(separator: " ") }
        }
    }
    /// ``street`` without its house and unit numbers (`12 main st apt 4` → `main st apt`).
    public private(set) var streetName: String?
    /// ``street``'s words in sorted order (the same words in another order compare equal).
    public private(set) var streetWords: String?
    /// The folded city. Setting it sets ``cityKey``.
    public var city: String? { didSet { cityKey = city.map { $0.filter { $0 != " " } } } }
    /// ``city`` without spaces (`new york` and `newyork` compare equal).
    public private(set) var cityKey: String?
    /// The postal code, upper-case without spaces or dashes.
    public var postalCode: String?
    /// VINs of vehicles the customer owns or drives.
    public var vins: [String] = []

    public init(id: String) { self.id = id }

    /// Every phone, personal first.
    public var phones: [String] { personalPhones + sharedPhones }
}

/// A customer's values as stored or typed, before match keys are computed.
public struct MatchInput: Sendable {
    public var id: String
    public var contactType: String?
    public var firstName: String?
    public var lastName: String?
    public var businessName: String?
    public var email: String?
    public var birthDate: String?
    /// (number, type) pairs; numbers in any format.
    public var phones: [(number: String, type: String?)] = []
    /// Addresses, primary (or first) first: street, city, postal code.
    public var addresses: [(street: String?, city: String?, postalCode: String?)] = []
    public var vins: [String] = []

    public init(id: String) { self.id = id }
}

/// Computes ``MatchRecord`` keys (`sync-protocol/duplicate-detection.md#match-keys`).
public enum MatchKeys {
    /// - Returns: the match keys of `input`; values that do not normalise (a junk phone, an invalid
    ///   e-mail) are left out rather than compared.
    public static func record(_ input: MatchInput) -> MatchRecord {
        var record = MatchRecord(id: input.id)
        let business = input.contactType == "Business" || (input.firstName == nil && input.lastName == nil && input.businessName != nil)
        record.isBusiness = business
        if business {
            record.surname = input.businessName.flatMap(businessName) ?? input.lastName.flatMap(name)
        } else {
            record.given = input.firstName.flatMap(givenName)
            record.surname = input.lastName.flatMap(name)
        }
        record.surnameCode = record.surname.flatMap(StringSimilarity.soundex)
        // Stored values are already canonical: checked without allocating, normalised only when not.
        record.birthDate = input.birthDate.flatMap { Timestamp.isCanonicalDate($0) ? $0 : Timestamp.normaliseDate($0) }
        record.email = input.email.flatMap { EmailAddress.isNormalised($0) ? $0 : EmailAddress.normalise($0) }
        for phone in input.phones {
            guard let e164 = PhoneNumber.e164(phone.number) else { continue }
            if phone.type == nil || phone.type == "Mobile" {
                if !record.personalPhones.contains(e164) { record.personalPhones.append(e164) }
            } else if !record.sharedPhones.contains(e164) {
                record.sharedPhones.append(e164)
            }
        }
        record.sharedPhones.removeAll { record.personalPhones.contains($0) }
        if let address = input.addresses.first {
            record.street = address.street.flatMap(street)
            record.city = address.city.flatMap(name)
            record.postalCode = address.postalCode.flatMap(postalCode)
        }
        record.vins = input.vins.compactMap { vin in
            vin.utf8.count == 17 && vin.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) })
                && !vin.utf8.contains(where: { $0 == 0x49 || $0 == 0x4F || $0 == 0x51 }) ? vin : VIN.normalise(vin)
        }.sorted()
        return record
    }

    /// Folded words joined by one space, punctuation dropped (`O'Brien` → `obrien`,
    /// `García-López` → `garcia lopez`). Nil when nothing is left.
    public static func name(_ text: String) -> String? {
        let words = words(TextFolding.fold(text))
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// The first word of the folded given name (`Mary Ann` → `mary`; `J.` → `j`).
    public static func givenName(_ text: String) -> String? { words(TextFolding.fold(text)).first }

    /// A business name without its legal form (`Acme Motors, LLC` → `acme motors`).
    public static func businessName(_ text: String) -> String? {
        let kept = words(TextFolding.fold(text)).filter { !legalForms.contains($0) }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }

    /// A street line folded, with suffixes, directionals and unit designators abbreviated per
    /// USPS Publication 28 (`12 North Main Street, Apt 4` → `12 n main st apt 4`).
    public static func street(_ text: String) -> String? { PostalAddress.street(text) }

    /// A postal code upper-cased without spaces and dashes (`k1a 0b1` → `K1A0B1`; ZIP+4 keeps its first five digits).
    public static func postalCode(_ text: String) -> String? { PostalAddress.postalCode(text) }

    /// Lower-case letters and digits split at everything else (``TextFolding/words(_:)``).
    static func words(_ folded: String) -> [String] { TextFolding.words(folded) }

    static let legalForms: Set<String> = ["inc", "llc", "ltd", "co", "corp", "corporation", "company", "incorporated", "plc", "lp", "llp", "pty", "the"]
}
