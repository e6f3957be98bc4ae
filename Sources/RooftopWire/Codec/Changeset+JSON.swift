import Foundation
import RooftopModel
import RooftopReplication

extension Changeset {
    /// A readable JSON form (as `rooftop changeset show` prints and the golden vectors list):
    /// `{"origin", "schemaVersion", "changes": [{"hlc": "ms.counter", "table", "rowId", "kind",
    /// "fields": {name: value}}]}`; blobs as `"base64:..."`.
    public var json: JSONValue {
        .object([
            "origin": .string(origin.rawValue), "schemaVersion": .number(Double(schemaVersion)),
            "changes": .array(changes.map { change in
                .object([
                    "hlc": .string(change.hlc.description), "table": .string(change.table), "rowId": .string(change.rowID.string),
                    "kind": .string(change.kind.name),
                    "fields": .object(Dictionary(change.fields.map { ($0.name, Self.json($0.value)) }, uniquingKeysWith: { a, _ in a })),
                ])
            }),
        ])
    }

    static func json(_ value: FieldValue) -> JSONValue {
        switch value {
        case .null: .null
        case .integer(let i): .number(Double(i))
        case .real(let d): .number(d)
        case .text(let s): .string(s)
        case .blob(let b): .string("base64:" + Data(b).base64EncodedString())
        }
    }
}
