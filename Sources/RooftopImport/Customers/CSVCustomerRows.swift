import CSV
import Crypto
import Foundation
import RooftopModel
import RooftopStore

/// A customer CSV's data rows (RFC 4180, UTF-8, a header row), read by `yaslab/CSV.swift` from a
/// stream: each row's non-empty cells by field (columns named like ``fields`` or mapped), as the
/// customer they describe.
///
/// - `id`: the customer's id when it is a UUID (a file `rooftop export customers` wrote: importing
///   it again finds each customer already there); another value is the source system's key, as
///   `externalId` is.
/// - Booleans (`optInEmail`, `doNotContact`, …) read `true`/`false`, `yes`/`no` or `1`/`0`.
/// - `tags`: separated by `;`; a `;` or `\` inside a tag is written `\;` or `\\` (``tagsCell(_:)``).
/// - One phone (`phone`, `phoneType`, `consentToCall`, `consentDate`) and one address (`addressType`,
///   `street` … `country`); the JSON Lines format carries them all.
struct CSVCustomerRows: CustomerRowSource {
    /// The fields a column can map to.
    static let fields = ["id", "externalId", "contactType", "firstName", "lastName", "businessName", "email", "phoneId", "phone", "phoneType",
                         "consentToCall", "consentDate", "addressId", "addressType", "street", "city", "state", "postalCode", "country", "birthDate", "gender",
                         "occupation", "incomeRange", "educationLevel", "preferredMethod", "optInEmail", "optInSMS", "optInMail", "doNotContact", "sourceId",
                         "sourceType", "leadScore", "lifetimeValue", "status", "notes", "createdAt", "loyaltyTier", "tags", "homeRooftop"]

    /// Customer fields read from a cell as text, as the REST API reads them.
    private static let textFields = ["contactType", "firstName", "lastName", "businessName", "email", "gender", "occupation", "incomeRange",
                                     "educationLevel", "preferredMethod", "sourceId", "sourceType", "lifetimeValue", "status", "notes",
                                     "loyaltyTier", "birthDate"]
    private static let booleanFields = ["optInEmail", "optInSMS", "optInMail", "doNotContact"]

    let reader: CSVReader
    let stream: InputStream
    let path: String
    let header: [String]
    let fieldOf: [Int: String]
    /// The fields some column maps to.
    let mappedFields: Set<String>
    /// The system the file's `externalId`s number (``CustomerImporter/externalSystem``).
    let externalSystem: String?
    /// The importing rooftop's id: part of a keyed row's key (``key(externalId:system:rooftop:)``).
    let rooftop: String
    /// Makes the id of a customer, phone or address a keyed row creates (a UUIDv7 of the replica's clock).
    let newID: @Sendable () -> RowID
    private(set) var rows = 0
    /// Fields in the header: a row with another count is rejected (RFC 4180 §2.4).
    var fieldCount: Int { header.count }
    /// The file line the row returned last starts on: a quoted field may hold line breaks (a note
    /// of several lines), so a row can span several lines and the next starts after them.
    private(set) var line = 1
    /// The file line the next row starts on.
    private var nextLine: Int
    /// Columns no field reads, but for ``exportOnlyColumns``.
    var ignoredColumns: [String] {
        header.enumerated().filter { fieldOf[$0.offset] == nil && !Self.exportOnlyColumns.contains(Self.columnName($0.element)) }.map(\.element)
    }

    /// Columns `rooftop export customers` writes that an import does not write, so a round trip does
    /// not list them as unmapped: `loyaltyPoints` (the balance comes from the loyalty ledger's events,
    /// which the file does not hold) and `updatedAt` (the time of the write).
    static let exportOnlyColumns: Set = ["loyaltyPoints", "updatedAt"]

    /// A header cell as a column name: surrounding spaces and a byte-order mark aside.
    static func columnName(_ cell: String) -> String {
        cell.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
    }

    /// - Throws: ``CustomerImportError`` when the stream cannot be read, is not CSV with a header, or
    ///   no column names (or is mapped to) a field.
    init(_ stream: InputStream?, name path: String, mapping: [String: String], externalSystem: String? = nil, rooftop: String,
         newID: @escaping @Sendable () -> RowID) throws {
        guard let stream else { throw CustomerImportError("\(path): cannot be read") }
        do { reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: false) } catch {
            throw CustomerImportError("\(path): not a CSV file with a header row" + (stream.hasBytesAvailable ? "" : " (an empty file)"))
        }
        guard let header = reader.headerRow else { throw CustomerImportError("\(path): empty file") }
        self.stream = stream
        self.path = path
        nextLine = 2 + Self.lineBreaks(in: header)
        self.externalSystem = externalSystem
        self.rooftop = rooftop
        self.newID = newID
        self.header = header
        fieldOf = Dictionary(uniqueKeysWithValues: header.enumerated().compactMap { index, name in
            let clean = Self.columnName(name)
            if let field = mapping[clean] { return (index, field) }
            return Self.fields.contains(clean) ? (index, clean) : nil
        })
        mappedFields = Set(fieldOf.values)
        guard !fieldOf.isEmpty else {
            throw CustomerImportError("\(path): no column names a customer field: name them \(Self.fields.dropFirst(2).prefix(6).joined(separator: ", ")), ... or map them, column=field (CLI --map, REST map=)")
        }
    }

    mutating func next() -> CustomerRow? {
        guard let row = reader.next() else { return nil }
        rows += 1
        line = nextLine
        nextLine += 1 + Self.lineBreaks(in: row)
        var values: [String: String] = [:]
        for (index, field) in fieldOf where index < row.count {
            let value = SpreadsheetFormulaGuard.unguarded(row[index].trimmedWhitespace).trimmedWhitespace
            if !value.isEmpty { values[field] = value }
        }
        let content = row.map(\.trimmedWhitespace)
        if values.isEmpty && content.allSatisfy(\.isEmpty) { return .blank }
        do throws(FieldInputError) {
            if fieldCount != row.count {
                // A row that ran over line breaks had a quote opened and not closed; one on its own line,
                // a separator too many or too few.
                let hint = Self.lineBreaks(in: row) > 0 ? "a quote left open?" : "a separator too many or too few?"
                throw FieldInputError(pointer: "", reason: "\(row.count) fields where the header has \(fieldCount) (\(hint))")
            }
            let (id, input, keyed) = try Self.customer(values, rowContent: content, externalSystem: externalSystem, rooftop: rooftop, newID: newID)
            return .customer(id, input, ownID: values["id"].flatMap { RowID($0) } != nil, keyed: keyed)
        } catch {
            return .rejected(error)
        }
    }

    var storedInput: @Sendable (CustomerRecord) -> CustomerInput? {
        { [mappedFields, rooftop] record in Self.storedInput(record, mappedFields: mappedFields, rooftop: rooftop) }
    }

    static func storedInput(_ record: CustomerRecord, mappedFields: Set<String>, rooftop: String) -> CustomerInput? {
        var values: [String: String] = [:]
        for (column, cell) in zip(CustomerExporter.columns, CustomerExporter.row(record)) where mappedFields.contains(column) {
            let value = SpreadsheetFormulaGuard.unguarded(cell).trimmedWhitespace
            if !value.isEmpty { values[column] = value }
        }
        return try? customer(values, rowContent: [], rooftop: rooftop, newID: { RowID.v7(milliseconds: 0) }).1
    }

    func checkEnd(importing: Bool) throws {
        if let error = reader.error, stream.streamStatus == .error {
            throw CustomerImportError("\(path): unreadable after line \(line) (\(error))" + (importing ? CustomerImporter.failedMidway : "; nothing imported"))
        }
    }

    /// A row's customer, and its id: its `id` when a UUID; else, keyed by `externalId` (or a non-UUID
    /// `id`) and `externalSystem`, one from `newID` (with the ``ExternalKey`` the ledger finds it by);
    /// else derived from the row's content. A phone's and an address's id: the row's `phoneId` and
    /// `addressId`, else one from `newID` (keyed rows) or derived from the row's key.
    static func customer(_ values: [String: String], rowContent: [String], externalSystem: String? = nil, rooftop: String,
                         newID: () -> RowID)
        throws(FieldInputError) -> (RowID, CustomerInput, ExternalKey?) {
        var json: [String: JSONValue] = [:]
        for spec in CRMSchema.customer.fields {
            guard let cell = values[spec.name] else { continue }
            let value: JSONValue
            if booleanFields.contains(spec.name) {
                guard let parsed = boolean(cell) else { throw FieldInputError(pointer: "/\(spec.name)", reason: "expected true or false") }
                value = .bool(parsed)
            } else if spec.name == "leadScore" {
                guard let number = Int(cell) else { throw FieldInputError(pointer: "/leadScore", reason: "expected a whole number") }
                value = .number(Double(number))
            } else if textFields.contains(spec.name) {
                value = .string(cell)
            } else {
                continue
            }
            if let group = spec.group {
                var object = json[group]?.objectValue ?? [:]
                object[spec.name] = value
                json[group] = .object(object)
            } else {
                json[spec.name] = value
            }
        }
        if let tags = values["tags"] { json["tags"] = .array(tagsOfCell(tags).map(JSONValue.string)) }
        if let phone = values["phone"] {
            var object: [String: JSONValue] = ["number": .string(phone), "type": values["phoneType"].map(JSONValue.string) ?? .null,
                                               "consentDate": values["consentDate"].map(JSONValue.string) ?? .null]
            if let consent = values["consentToCall"] {
                guard let value = boolean(consent) else { throw FieldInputError(pointer: "/phoneNumbers/0/consentToCall", reason: "expected true or false") }
                object["consentToCall"] = .bool(value)
            }
            json["phoneNumbers"] = .array([.object(object)])
        }
        if values["street"] != nil || values["city"] != nil || values["postalCode"] != nil {
            var address: [String: JSONValue] = ["type": values["addressType"].map(JSONValue.string) ?? .null]
            for name in ["street", "city", "state", "postalCode", "country"] { address[name] = values[name].map(JSONValue.string) }
            json["addresses"] = .array([.object(address)])
        }
        let ownID = values["id"].flatMap { RowID($0) }
        let external = values["externalId"] ?? (ownID == nil ? values["id"] : nil)
        let key = ownID.map { "id:" + $0.string }
            ?? external.map { Self.key(externalId: $0, system: externalSystem, rooftop: rooftop) }
            ?? "csv-row:" + rowContent.joined(separator: "\u{1F}")
        var input = try CustomerInput(json: json)
        if let createdAt = values["createdAt"] {
            guard let normalised = Timestamp.normaliseDateTime(createdAt) else {
                throw FieldInputError(pointer: "/createdAt", reason: "not an RFC 3339 date-time")
            }
            input.fields["createdAt"] = .text(normalised)
        }
        input.fields["homeRooftop"] = try homeRooftopField(values["homeRooftop"])
        // An export's phone and address keep their ids: a customer restored at a rooftop that has not
        // yet synced it must not get a second copy of each after sync.
        let keyedOnly = ownID == nil && external != nil
        func childID(_ column: String, _ pointer: String, derived: String) throws(FieldInputError) -> RowID {
            guard let text = values[column] else { return keyedOnly ? newID() : StableID.make(derived) }
            guard let id = RowID(text) else { throw FieldInputError(pointer: pointer, reason: "expected a UUID") }
            return id
        }
        if let phones = input.phones {
            let id = try childID("phoneId", "/phoneNumbers/0/id", derived: key + ":phone")
            input.phones = phones.map { ChildInput(id: id, fields: $0.fields) }
        }
        if let addresses = input.addresses {
            let id = try childID("addressId", "/addresses/0/id", derived: key + ":address")
            input.addresses = addresses.map { ChildInput(id: id, fields: $0.fields) }
        }
        let keyed = ownID == nil ? external.map { ExternalKey(externalId: $0, system: externalSystem, rooftop: rooftop, contentHash: input.contentHash) } : nil
        return (ownID ?? (keyed != nil ? newID() : StableID.make(key)), input, keyed)
    }

    /// The key a row's id derives from when it is keyed by `externalId`: the importing `rooftop`, the
    /// `system` (trimmed, lower case; empty when none is named) and the key, joined by U+001F
    /// (`sync-protocol/import-ids.md`). The rooftop is part of it: two stores' DMSs both number
    /// from `rec-1`, and one id for both would make two people one customer after sync.
    static func key(externalId: String, system: String?, rooftop: String) -> String {
        "csv@" + rooftop + "\u{1F}" + (system.map(normalisedSystem) ?? "") + "\u{1F}" + externalId
    }

    /// The key rows were imported under before the rooftop was part of it; an id derived from it is
    /// looked up in this rooftop's ledger of imported rows only (``ExternalKey/earlierID``).
    static func earlierKey(externalId: String, system: String?) -> String {
        system.map { "csv-system:" + normalisedSystem($0) + "\u{1F}" + externalId } ?? "csv:" + externalId
    }

    /// A system's name as keys use it: letter case and surrounding white space aside.
    static func normalisedSystem(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The line breaks inside a row's fields (CRLF, LF or CR each one; RFC 4180 §2.6).
    static func lineBreaks(in fields: [String]) -> Int {
        var breaks = 0
        for field in fields {
            var previous: UInt8 = 0
            for byte in field.utf8 {
                if byte == 10 && previous != 13 || byte == 13 { breaks += 1 }
                previous = byte
            }
        }
        return breaks
    }

    /// `true`/`false`, `yes`/`no`, `1`/`0`, letter case aside; nil for anything else.
    static func boolean(_ cell: String) -> Bool? {
        switch cell.lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    /// A `tags` cell: the tags joined by `;`, a `\` or `;` inside a tag escaped with `\`.
    static func tagsCell(_ tags: [String]) -> String {
        tags.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;") }.joined(separator: ";")
    }

    /// The tags of a `tags` cell (``tagsCell(_:)``), trimmed, empty ones dropped.
    static func tagsOfCell(_ cell: String) -> [String] {
        var tags: [String] = [], current = "", escaped = false
        for character in cell {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ";" {
                tags.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if escaped { current.append("\\") }
        tags.append(current)
        return tags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
