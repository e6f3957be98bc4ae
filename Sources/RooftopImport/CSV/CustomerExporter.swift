import CSV
import Foundation
import RooftopModel
import RooftopStore

/// Streams every visible customer out, in id order, a page at a time (constant memory): as CSV with
/// the columns ``CustomerCSVImporter`` reads back (plus `id`, loyalty and tags), or as JSON Lines
/// (RFC 8259 objects, one per line: the design document's `Customer` JSON, as the REST API answers).
public struct CustomerExporter {
    /// `csv` (RFC 4180, header ``columns``) or `jsonl` (JSON Lines: one `Customer` object per line).
    public enum Format: String, CaseIterable, Sendable { case csv, jsonl }

    public static let columns = ["id", "externalId", "contactType", "firstName", "lastName", "businessName", "email", "phone", "phoneType",
                                 "street", "city", "state", "postalCode", "country", "birthDate", "sourceType", "status", "notes",
                                 "loyaltyPoints", "loyaltyTier", "tags", "homeRooftop", "createdAt", "updatedAt"]

    public let replica: Replica
    public var format: Format
    /// Only customers whose `status` is this, when set.
    public var status: String?

    /// An export of `replica`'s visible customers, optionally only those whose `status` is `status`.
    public init(replica: Replica, format: Format, status: String? = nil) {
        self.replica = replica
        self.format = format
        self.status = status
    }

    /// Writes to `stream` (opened here, closed by the caller).
    /// - Parameter progress: called after each page with the customers written so far.
    /// - Returns: the customers written.
    public func export(to stream: OutputStream, progress: (Int) -> Void = { _ in }) throws -> Int {
        let csv = format == .csv ? try CSVWriter(stream: stream) : nil
        if let csv { try csv.write(row: Self.columns) }
        var cursor: RowID?, written = 0
        while true {
            let page = try replica.customers(limit: 1_000, after: cursor)
            guard let last = page.last else { break }
            cursor = last.customer.id
            for record in page where status == nil || record.customer["status"].textValue == status {
                if let csv {
                    try csv.write(row: Self.row(record))
                } else {
                    var line = Array(try record.json.encoded())
                    line.append(0x0A)
                    guard stream.write(line, maxLength: line.count) == line.count else { throw CocoaError(.fileWriteUnknown) }
                }
                written += 1
            }
            progress(written)
        }
        return written
    }

    static func row(_ record: CustomerRecord) -> [String] {
        let c = record.customer, phone = record.phones.first, address = record.addresses.first
        let account = record.loyalty
        let values: [String?] = [
            c.id.string, nil, c["contactType"].textValue, c["firstName"].textValue, c["lastName"].textValue, c["businessName"].textValue,
            c["email"].textValue, phone?["number"].textValue, phone?["type"].textValue, address?["street"].textValue, address?["city"].textValue,
            address?["state"].textValue, address?["postalCode"].textValue, address?["country"].textValue, c["birthDate"].textValue,
            c["sourceType"].textValue, c["status"].textValue, c["notes"].textValue, String(account.loyaltyPoints), account.loyaltyTier,
            record.tags.joined(separator: ";"), c["homeRooftop"].textValue, c["createdAt"].textValue, c["updatedAt"].textValue,
        ]
        return values.map { $0 ?? "" }
    }
}
