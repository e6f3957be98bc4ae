/// One customer record as a dealership's staff, lead providers and imports typed it: a person
/// (or business) entered once, or entered again as a duplicate with the variations real data has.
/// `entity` names the real person: records with equal `entity` are one person; household members
/// sharing an address and home phone are different entities.
public struct GeneratedRecord: Sendable, Hashable {
    /// How the record came to be.
    public enum Origin: Sendable, Hashable {
        /// The first record of a person.
        case original
        /// The same person entered again, with these variations.
        case duplicate([Variation])
    }

    /// `rec-S-0000001` for seed S, in generation order: the seed in it, so two generated files'
    /// records never share an `externalId` (importing both at one rooftop makes both sets of people).
    public var recordID: String
    /// `ent-0000001` (a household member: `ent-0000001-h1`).
    public var entity: String
    public var origin: Origin
    /// `Individual` or `Business`.
    public var contactType: String
    public var firstName: String?
    public var lastName: String?
    public var businessName: String?
    public var email: String?
    /// As typed: any common US format (`(212) 555-0101`, `212.555.0101`, `+1 212 555 0101`).
    public var phone: String?
    /// `Mobile`, `Home` or `Work`.
    public var phoneType: String
    public var street: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    /// `YYYY-MM-DD`.
    public var birthDate: String?
    /// The design document's `sourceType`.
    public var sourceType: String
    public var status: String
    /// When the record was created, RFC 3339 UTC (between 2015 and 2026).
    public var createdAt: String
    public var vehicles: [GeneratedVehicle]
    public var interactions: [GeneratedInteraction]
    /// Loyalty ledger events, oldest first; redemptions never exceed the balance.
    public var loyalty: [GeneratedLoyaltyEvent]
    /// The journey stage, when the customer has a journey.
    public var journeyStage: String?
    /// An NPS answer (0–10), when the customer answered a survey.
    public var surveyScore: Int?
}

/// A variation a duplicate record carries, as data-quality studies of CRM and registry data list
/// them (Christen, "Data Matching", Springer 2012, ch. 3).
public enum Variation: String, Sendable, Hashable, CaseIterable {
    /// Upper or lower case, accents dropped or added.
    case caseAndAccents
    /// A nickname for the first name (Bill for William).
    case nickname
    /// One typing error in a name (a substitution, deletion, insertion or transposition).
    case typo
    /// The same phone number written in another format.
    case phoneFormat
    /// A new address (the person moved); phone and e-mail kept.
    case moved
    /// A new surname (marriage); first name, birth date, phone kept.
    case marriedName
    /// A field left empty (e-mail, phone or birth date).
    case missingField
    /// Another e-mail address (a new provider); phone kept.
    case newEmail
}

/// A vehicle a customer owns, with a valid VIN (49 CFR 565).
public struct GeneratedVehicle: Sendable, Hashable {
    public var vin: String
    public var year: Int
    public var make: String
    public var model: String
    public var trim: String
    public var color: String
    /// `New` or `Used`.
    public var condition: String
    /// Miles.
    public var odometer: Int
    /// `YYYY-MM-DD`.
    public var purchaseDate: String
    /// `New`, `Used` or `CPO`.
    public var purchaseType: String
    /// `Cash`, `Finance` or `Lease`.
    public var financeType: String
    public var financeCompany: String?
    /// `Active`, `Sold` or `Traded`.
    public var status: String
}

/// A past contact with the customer.
public struct GeneratedInteraction: Sendable, Hashable {
    /// RFC 3339 UTC.
    public var date: String
    public var type: String
    public var direction: String
    public var subject: String
    /// Seconds, for calls.
    public var duration: Int?
}

/// A loyalty ledger event.
public struct GeneratedLoyaltyEvent: Sendable, Hashable {
    /// `Add` or `Redeem`.
    public var kind: String
    public var points: Int
    public var reason: String
}
