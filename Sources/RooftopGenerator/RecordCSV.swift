import Foundation

/// The two CSV files `rooftop fixtures generate` writes (RFC 4180: comma-separated, fields with a
/// comma, quote or line break quoted, quotes doubled; UTF-8; `\n` line ends).
public enum RecordCSV {
    /// The labelled file the duplicate evaluation reads: one line per record; records with equal
    /// `entity` are one person.
    public static let labelledHeader = "record_id,entity,first_name,last_name,email,phone,street,city,state,postal_code,birth_date"

    /// A record as a line of the labelled file. A business without a contact person has its name in `last_name`.
    public static func labelledLine(_ r: GeneratedRecord) -> String {
        let last = r.lastName ?? (r.firstName == nil ? r.businessName : nil)
        return line([r.recordID, r.entity, r.firstName, last, r.email, r.phone, r.street, r.city, r.state, r.postalCode, r.birthDate])
    }

    /// The customer import file: the design document's field names as columns.
    public static let customerHeader =
        "externalId,contactType,firstName,lastName,businessName,email,phone,phoneType,street,city,state,postalCode,birthDate,sourceType,status,createdAt"

    /// A record as a line of the customer import file.
    public static func customerLine(_ r: GeneratedRecord) -> String {
        line([r.recordID, r.contactType, r.firstName, r.lastName, r.businessName, r.email, r.phone, r.phone == nil ? nil : r.phoneType,
              r.street, r.city, r.state, r.postalCode, r.birthDate, r.sourceType, r.status, r.createdAt])
    }

    static func line(_ fields: [String?]) -> String {
        fields.map { field in
            guard let field else { return "" }
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
