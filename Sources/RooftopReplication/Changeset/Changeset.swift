import RooftopModel

/// A batch of one origin's row changes, in strictly increasing HLC order: the unit of transfer
/// and of atomic, idempotent apply.
///
/// On the wire a changeset is one zstd frame; see `RooftopWire.ChangesetCodec` and
/// `sync-protocol/changeset-format.md`.
public struct Changeset: Hashable, Sendable {
    /// The CRM schema version the writer was on (`sync-protocol/changeset-format.md#versions`).
    public var schemaVersion: UInt16
    /// The rooftop that made every change in this changeset.
    public var origin: RooftopID
    /// The changes, strictly increasing by HLC.
    public var changes: [RowChange]

    public init(schemaVersion: UInt16, origin: RooftopID, changes: [RowChange]) {
        self.schemaVersion = schemaVersion
        self.origin = origin
        self.changes = changes
    }

    /// The greatest HLC in the changeset, or nil when empty.
    public var maxHLC: HLC? { changes.last?.hlc }

    /// The number of field values carried.
    public var fieldChangeCount: Int { changes.reduce(0) { $0 + $1.fields.count } }

    /// Checks the invariants a decoder or a receiver relies on.
    /// - Throws: ``ChangesetValidationError`` naming the first broken rule: HLCs not strictly
    ///   increasing, an empty or over-long name, or a field written twice in one change.
    public func validate() throws(ChangesetValidationError) {
        var previous = HLC.zero
        for (index, change) in changes.enumerated() {
            guard change.hlc > previous else {
                throw ChangesetValidationError(index: index, reason: "HLC \(change.hlc) does not follow \(previous)")
            }
            previous = change.hlc
            guard Self.isValidName(change.table) else {
                throw ChangesetValidationError(index: index, reason: "invalid table name")
            }
            for field in change.fields {
                guard Self.isValidName(field.name) else {
                    throw ChangesetValidationError(index: index, reason: "invalid field name")
                }
            }
            if let repeated = Self.repeatedName(change.fields) {
                throw ChangesetValidationError(index: index, reason: "field \(repeated) written twice")
            }
        }
    }

    /// The first field name that occurs twice, if any. (Pairwise for a row's few dozen fields:
    /// cheaper than hashing every name into a set, and this runs on every change received.)
    static func repeatedName(_ fields: [FieldChange]) -> String? {
        if fields.count > 48 {
            var seen = Set<String>()
            return fields.first { !seen.insert($0.name).inserted }?.name
        }
        for i in fields.indices {
            for j in fields.index(after: i)..<fields.endIndex where fields[i].name == fields[j].name { return fields[j].name }
        }
        return nil
    }

    /// Names are 1–64 ASCII letters, digits or `_`, not starting with a digit.
    public static func isValidName(_ name: String) -> Bool {
        // Checked for every field of every change received: over the contiguous UTF-8 when the
        // string has it (always, for names decoded from a changeset).
        if let valid = name.utf8.withContiguousStorageIfAvailable(isValidName(utf8:)) { return valid }
        return Array(name.utf8).withUnsafeBufferPointer(isValidName(utf8:))
    }

    private static func isValidName(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 1 && bytes.count <= 64, bytes[0] &- 0x30 >= 10 else { return false }
        for byte in bytes {
            // digit, A-Z, a-z, or '_'
            guard byte &- 0x30 < 10 || byte &- 0x41 < 26 || byte &- 0x61 < 26 || byte == 0x5F else { return false }
        }
        return true
    }
}

/// A changeset breaks a structural rule; it is rejected whole.
public struct ChangesetValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The index of the offending change.
    public let index: Int
    public let reason: String
    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }
    public var description: String { "change \(index): \(reason)" }
}
