import RooftopModel

/// What staff give when they release a quarantined lead (`rooftop leads release`,
/// `POST /api/crm/leads/{id}/release`): a name, an e-mail or a phone the provider's prospect lacked.
/// Each given value replaces the prospect's; the interaction notes what staff gave.
public struct ADFContactAmendment: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var businessName: String?
    /// Normalised (``EmailAddress/normalise(_:)``).
    public private(set) var email: String?
    /// E.164 (``PhoneNumber/e164(_:)``).
    public private(set) var phone: String?
    /// Who released it (free text, at most 256 characters), for the interaction's note.
    public var releasedBy: String?

    /// - Throws: ``FieldInputError`` (`/email`, `/phone`, `/firstName` …) for an e-mail or phone
    ///   that does not normalise, or a name longer than 256 characters.
    public init(firstName: String? = nil, lastName: String? = nil, businessName: String? = nil, email: String? = nil,
                phone: String? = nil, releasedBy: String? = nil) throws(FieldInputError) {
        for (pointer, value) in [("/firstName", firstName), ("/lastName", lastName), ("/businessName", businessName), ("/releasedBy", releasedBy)] {
            if let value, value.isEmpty || value.count > 256 {
                throw FieldInputError(pointer: pointer, reason: "expected 1 to 256 characters")
            }
        }
        self.firstName = firstName.map { PersonName.tidy($0) ?? $0 }
        self.lastName = lastName.map { PersonName.tidy($0) ?? $0 }
        self.businessName = businessName
        self.releasedBy = releasedBy
        if let email {
            guard let normalised = EmailAddress.normalise(email) else { throw FieldInputError(pointer: "/email", reason: "not an e-mail address") }
            self.email = normalised
        }
        if let phone {
            guard let number = PhoneNumber.e164(phone) else { throw FieldInputError(pointer: "/phone", reason: "not a phone number (E.164, or a NANP number)") }
            self.phone = number
        }
    }

    func apply(to contact: inout ADFLead.Contact, notes: inout [String]) {
        var given: [String] = []
        if let firstName { contact.firstName = firstName; given.append("first name \(firstName)") }
        if let lastName { contact.lastName = lastName; given.append("last name \(lastName)") }
        if let businessName { contact.businessName = businessName; given.append("business name \(businessName)") }
        if let email { contact.email = email; given.append("e-mail \(email)") }
        if let phone {
            if !contact.phones.contains(where: { $0.number == phone }) { contact.phones.insert(ADFLead.Phone(type: nil, number: phone), at: 0) }
            given.append("phone \(phone)")
        }
        notes.append("Released from quarantine" + (releasedBy.map { " by \($0)" } ?? "") + (given.isEmpty ? "" : ": " + given.joined(separator: ", ")))
    }
}
