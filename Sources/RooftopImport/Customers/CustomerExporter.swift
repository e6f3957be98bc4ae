import CSV
import Foundation
import RooftopModel
import RooftopStore

/// Streams every visible customer out, in id order, a page at a time (constant memory): as CSV with
/// the columns ``CustomerImporter`` reads back (plus `loyaltyPoints` and `updatedAt`), cells a
/// spreadsheet would run as formulas guarded (``SpreadsheetFormulaGuard``), or
/// as JSON Lines (RFC 8259 objects, one per line: the design document's `Customer` JSON, as the REST
/// API answers; the importer reads it back whole).
public struct CustomerExporter {
    /// `csv` (RFC 4180, header ``columns``: the primary phone and address) or `jsonl` (one `Customer` object per line: all of them).
    public typealias Format = CustomerFileFormat

    /// The CSV header: `id`, every customer field the importer reads, the primary phone and address
    /// (else the first) with their ids, the loyalty balance and tier, `tags`
    /// (``CSVCustomerRows/tagsCell(_:)``), `homeRooftop`, `createdAt` and the read-only `updatedAt`. No `externalId`: a customer does not keep its source
    /// system's key (`sync-protocol/import-ids.md`); `id` is what an import restores it by.
    public static let columns = ["id", "contactType", "firstName", "lastName", "businessName", "email", "phoneId", "phone", "phoneType",
                                 "consentToCall", "consentDate", "addressId", "addressType", "street", "city", "state", "postalCode", "country", "birthDate", "gender", "occupation", "incomeRange",
                                 "educationLevel", "preferredMethod", "optInEmail", "optInSMS", "optInMail", "doNotContact", "sourceId",
                                 "sourceType", "leadScore", "lifetimeValue", "status", "notes", "loyaltyPoints", "loyaltyTier", "tags",
                                 "homeRooftop", "createdAt", "updatedAt"]

    /// Which customers an export takes: every condition set must hold (nil: any).
    public struct Filter: Sendable, Equatable {
        public var status: String?
        /// The tier derived from the loyalty ledger (Bronze, Silver, Gold, Platinum).
        public var loyaltyTier: String?
        /// Holds this tag (letter case aside, as REST's `tags` filter).
        public var tag: String?
        public var contactType: String?
        public var sourceType: String?
        public var homeRooftop: String?
        /// `createdAt` at or after / before these RFC 3339 instants (stored UTC form).
        public var createdAfter: String?
        public var createdBefore: String?

        public init(status: String? = nil, loyaltyTier: String? = nil, tag: String? = nil, contactType: String? = nil, sourceType: String? = nil,
                    homeRooftop: String? = nil, createdAfter: String? = nil, createdBefore: String? = nil) {
            self.status = status; self.loyaltyTier = loyaltyTier; self.tag = tag; self.contactType = contactType
            self.sourceType = sourceType; self.homeRooftop = homeRooftop; self.createdAfter = createdAfter; self.createdBefore = createdBefore
        }

        /// True when `record` meets every condition set.
        public func matches(_ record: CustomerRecord) -> Bool {
            let c = record.customer
            func equal(_ wanted: String?, _ field: String) -> Bool { wanted == nil || c[field].textValue == wanted }
            guard equal(status, "status"), equal(contactType, "contactType"), equal(sourceType, "sourceType"), equal(homeRooftop, "homeRooftop")
            else { return false }
            if let tag, !record.tags.contains(where: { $0.lowercased() == tag.lowercased() }) { return false }
            if let loyaltyTier, record.loyalty.loyaltyTier != loyaltyTier { return false }
            let created = c["createdAt"].textValue ?? ""
            if let createdAfter, created < createdAfter { return false }
            if let createdBefore, created >= createdBefore { return false }
            return true
        }
    }

    public let replica: Replica
    public var format: Format
    /// The customers taken (all visible ones by default).
    public var filter: Filter

    /// An export of `replica`'s visible customers that meet `filter`.
    public init(replica: Replica, format: Format, filter: Filter = Filter()) {
        self.replica = replica
        self.format = format
        self.filter = filter
    }

    /// An export of `replica`'s visible customers, only those whose `status` is `status` when set.
    public init(replica: Replica, format: Format, status: String?) {
        self.init(replica: replica, format: format, filter: Filter(status: status))
    }

    /// Writes to `stream` (opened here, closed by the caller), a page of 1,000 customers per write:
    /// the CSV writer writes each character to its stream, a system call each on a file.
    /// - Parameter progress: called after each page with the customers written so far.
    /// - Returns: the customers written.
    /// - Throws: ``WriteError`` when `stream` takes no more bytes (a full disk, a closed pipe).
    public func export(to stream: OutputStream, progress: (Int) -> Void = { _ in }) throws -> Int {
        if stream.streamStatus == .notOpen { stream.open() }
        if format == .csv { try Self.write(try Self.csv([Self.columns]), to: stream) }
        var cursor: RowID?, written = 0
        while true {
            let page = try replica.customers(limit: 1_000, after: cursor)
            guard let last = page.last else { break }
            cursor = last.customer.id
            var rows: [[String]] = [], lines: [UInt8] = []
            for record in page where filter.matches(record) {
                if format == .csv {
                    rows.append(Self.row(record))
                } else {
                    try record.json.write(to: &lines)
                    lines.append(0x0A)
                }
                written += 1
            }
            // The writer puts a line break before every row but its first: one before each page's.
            try Self.write(format == .csv ? (rows.isEmpty ? [] : [0x0A] + (try Self.csv(rows))) : lines, to: stream)
            progress(written)
        }
        // A CSV file ends with a line break, as a text file does (`wc -l` counts its rows).
        if format == .csv { try Self.write([0x0A], to: stream) }
        return written
    }

    /// `rows` as RFC 4180 CSV (CSV.swift's writer, rows separated by LF, none after the last).
    static func csv(_ rows: [[String]]) throws -> [UInt8] {
        let memory = OutputStream.toMemory()
        let writer = try CSVWriter(stream: memory)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        return [UInt8]((memory.property(forKey: .dataWrittenToMemoryStreamKey) as? Data) ?? Data())
    }

    /// The output took no more bytes: the system's reason (`No space left on device`), when it gave one.
    public struct WriteError: Error, CustomStringConvertible {
        /// One line: `strerror` of the failed write's `errno`, else that the output took no more bytes.
        public let reason: String
        public var description: String { "cannot write the export: \(reason)" }
    }

    static func write(_ bytes: [UInt8], to stream: OutputStream) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBufferPointer { stream.write($0.baseAddress!, maxLength: $0.count) }
            guard count > 0 else {
                // The failed write(2)'s errno (`streamError` makes Foundation on Linux print warnings).
                let code = errno
                throw WriteError(reason: code == 0 ? "the output took no more bytes" : String(cString: strerror(code)))
            }
            offset += count
        }
    }

    static func row(_ record: CustomerRecord) -> [String] {
        let c = record.customer
        let phone = record.phones.first { $0["primary"] == .integer(1) } ?? record.phones.first
        let address = record.addresses.first { $0["primary"] == .integer(1) } ?? record.addresses.first
        return columns.map { column -> String in
            switch column {
            case "id": c.id.string
            case "phoneId": phone?.id.string ?? ""
            case "addressId": address?.id.string ?? ""
            case "phone": phone?["number"].textValue ?? ""
            case "phoneType": phone?["type"].textValue ?? ""
            case "consentToCall": phone.map { cell($0["consentToCall"], .boolean) } ?? ""
            case "consentDate": phone?["consentDate"].textValue ?? ""
            case "addressType": address?["type"].textValue ?? ""
            case "street", "city", "state", "postalCode", "country": address?[column].textValue ?? ""
            case "loyaltyPoints": String(record.loyalty.loyaltyPoints)
            case "loyaltyTier": record.loyalty.loyaltyTier ?? ""
            case "tags": CSVCustomerRows.tagsCell(record.tags)
            default: cell(c[column], CRMSchema.customer.field(column)?.type)
            }
        }.map(SpreadsheetFormulaGuard.guarded)
    }

    /// A stored value as the importer reads it back: `true`/`false` for a boolean, digits for an integer.
    static func cell(_ value: FieldValue, _ type: FieldType?) -> String {
        switch (value, type) {
        case (.integer(let i), .boolean?): i != 0 ? "true" : "false"
        case (.integer(let i), _): String(i)
        case (.text(let text), _): text
        case (.real(let d), _): String(d)
        default: ""
        }
    }
}
