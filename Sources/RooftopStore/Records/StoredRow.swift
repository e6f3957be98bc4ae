import Crypto
import Foundation
import RooftopModel
import RooftopReplication

/// A visible row read from the replica, with its replication metadata.
public struct StoredRow: Sendable, Hashable {
    public let entity: EntitySchema
    public let id: RowID
    /// Field name → value (absent: null).
    public var values: [String: FieldValue]
    /// Field name → stamp of the winning write.
    public var stamps: [String: FieldStamp]
    /// The insert's stamp.
    public var created: FieldStamp?

    /// The value of a field, ``FieldValue/null`` when unset.
    public subscript(_ name: String) -> FieldValue { values[name] ?? .null }

    /// The row's entity tag (RFC 9110 §8.8.3): a quoted hash of its id and its fields' stamps, so
    /// it changes with every write that changes a value, on any rooftop.
    public var entityTag: String {
        var hasher = SHA256()
        hasher.update(data: Array(id.string.utf8))
        for (name, stamp) in stamps.sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Array("\(name)=\(stamp.hlc.rawValue)@\(stamp.origin.rawValue);".utf8))
        }
        return "\"" + hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// The design document's JSON shape of this row.
    public var json: [String: JSONValue] { entity.json(id: id, values: values) }
}
