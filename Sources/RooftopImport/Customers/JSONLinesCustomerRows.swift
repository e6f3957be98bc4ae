import Foundation
import RooftopModel
import RooftopStore

/// A JSON Lines file of customers (<https://jsonlines.org>, UTF-8): each non-empty line one
/// design-document `Customer` object, as `GET /api/crm/customers/{id}` answers and
/// `rooftop export customers --format jsonl` writes it. Read in 64 KiB chunks: constant memory
/// whatever the file size (a line may hold up to ``maxLineBytes``).
///
/// - `id`: the customer's id (a UUID); without one, an id derived from the line's bytes, so a rerun
///   finds the row imported. Phones and addresses keep their `id`s; one without gets an id derived
///   from the customer's and its position.
/// - `createdAt` and `homeRooftop` are kept (a restored customer keeps the rooftop it belongs to;
///   without one, the importing rooftop); `updatedAt`, `loyaltyPoints`, `mergedFrom` and `mergedInto`
///   are read-only and ignored (the time of the write; points come from loyalty events, which a
///   customer export does not hold).
/// - A line that is not a JSON object, or holds an invalid value, is rejected with its line number
///   and the value's JSON Pointer, as the REST API would reject it.
struct JSONLinesCustomerRows: CustomerRowSource {
    /// The longest line read: 1 MiB. A longer one is rejected (and skipped to its end).
    static let maxLineBytes = 1 << 20
    static let chunkBytes = 1 << 16

    let stream: InputStream
    let path: String
    private(set) var rows = 0
    var line: Int { rows }
    var ignoredColumns: [String] { [] }
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var failure: Error?

    /// - Throws: ``CustomerImportError`` when the stream cannot be opened.
    init(_ stream: InputStream?, name path: String) throws {
        guard let stream else { throw CustomerImportError("\(path): cannot be read") }
        stream.open()
        if stream.streamStatus == .error { throw CustomerImportError("\(path): cannot be read (\(stream.streamError.map { "\($0)" } ?? "?"))") }
        self.stream = stream
        self.path = path
    }

    mutating func next() -> CustomerRow? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                rows += 1
                return Self.row(line)
            }
            if buffer.count - start > Self.maxLineBytes {
                // Skip the rest of an overlong line, then report it.
                buffer.removeAll(keepingCapacity: true)
                start = 0
                while !atEnd {
                    fill()
                    if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        start = newline + 1
                        break
                    }
                    buffer.removeAll(keepingCapacity: true)
                }
                rows += 1
                return .rejected(FieldInputError(pointer: "", reason: "longer than \(Self.maxLineBytes) bytes"))
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                rows += 1
                return Self.row(line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            fill()
        }
    }

    /// Appends up to a chunk from the stream; sets `atEnd` at its end or failure.
    private mutating func fill() {
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        let read = stream.read(&chunk, maxLength: chunk.count)
        if read > 0 {
            buffer.append(contentsOf: chunk[..<read])
        } else {
            if read < 0 { failure = stream.streamError ?? CustomerImportError("read failed") }
            atEnd = true
        }
    }

    /// A `Customer` object's input: its fields, phones, addresses and tags, `createdAt` and `homeRooftop` kept.
    /// - Throws: ``FieldInputError`` naming the first invalid value.
    static func input(_ object: [String: JSONValue]) throws -> CustomerInput {
        var input = try CustomerInput(json: object)
        if let raw = object["createdAt"], raw != .null {
            guard let text = raw.stringValue, let normalised = Timestamp.normaliseDateTime(text) else {
                throw FieldInputError(pointer: "/createdAt", reason: "expected an RFC 3339 date-time with offset")
            }
            input.fields["createdAt"] = .text(normalised)
        }
        if let raw = object["homeRooftop"], raw != .null {
            guard let text = raw.stringValue else { throw FieldInputError(pointer: "/homeRooftop", reason: "expected a rooftop id") }
            input.fields["homeRooftop"] = try homeRooftopField(text)
        }
        return input
    }

    var storedInput: @Sendable (CustomerRecord) -> CustomerInput? {
        { record in record.json.objectValue.flatMap { try? Self.input($0) } }
    }

    func checkEnd(importing: Bool) throws {
        if let failure {
            throw CustomerImportError("\(path): unreadable after line \(rows) (\(failure))" + (importing ? CustomerImporter.failedMidway : "; nothing imported"))
        }
    }

    /// One line's customer.
    static func row(_ bytes: ArraySlice<UInt8>) -> CustomerRow {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return .blank }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        let text = bytes[first...last]
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(text)) } catch {
            return .rejected(FieldInputError(pointer: "", reason: "not JSON" + (String(validating: text, as: UTF8.self) == nil ? " (not UTF-8)" : "")))
        }
        guard case .object(let object) = value else {
            return .rejected(FieldInputError(pointer: "", reason: "expected a Customer object, got \(value.kindName)"))
        }
        do {
            let id: RowID
            if let raw = object["id"], raw != .null {
                guard let text = raw.stringValue, let parsed = RowID(text) else { throw FieldInputError(pointer: "/id", reason: "expected a UUID") }
                id = parsed
            } else {
                id = StableID.make("jsonl-row:" + String(decoding: text, as: UTF8.self))
            }
            var input = try Self.input(object)
            input.phones = input.phones?.enumerated().map { ChildInput(id: $1.id ?? StableID.make("\(id.string):phoneNumbers:\($0)"), fields: $1.fields) }
            input.addresses = input.addresses?.enumerated().map { ChildInput(id: $1.id ?? StableID.make("\(id.string):addresses:\($0)"), fields: $1.fields) }
            var childIDs = Set<RowID>()
            for (key, children) in [("phoneNumbers", input.phones ?? []), ("addresses", input.addresses ?? [])] {
                for (i, child) in children.enumerated() where !childIDs.insert(child.id!).inserted {
                    throw FieldInputError(pointer: "/\(key)/\(i)/id", reason: "the id of another phone or address of this customer")
                }
            }
            return .customer(id, input, ownID: object["id"].map { $0 != .null } ?? false)
        } catch let error as FieldInputError {
            return .rejected(error)
        } catch {
            return .rejected(FieldInputError(pointer: "", reason: "\(error)"))
        }
    }
}
