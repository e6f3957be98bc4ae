import Crypto
import RooftopModel
import RooftopReplication

/// A customer with its phone numbers and addresses, as the design document shows `Customer`.
public struct CustomerRecord: Sendable, Hashable {
    public var customer: StoredRow
    public var phones: [StoredRow]
    public var addresses: [StoredRow]

    /// The design document's `Customer` JSON: nested preference and demographic objects,
    /// `phoneNumbers` and `addresses` arrays (each element with its own `id`).
    ///
    /// If several phones (or addresses) are marked primary after concurrent edits, only the one
    /// whose `primary` field has the greatest stamp is shown as primary
    /// (`sync-protocol/merge-rules.md#primary-flag`).
    public var json: JSONValue {
        var object = customer.json
        object["phoneNumbers"] = .array(Self.resolvePrimary(phones).map { row in
            var json = row.json
            json["customerId"] = nil
            return .object(json)
        })
        object["addresses"] = .array(Self.resolvePrimary(addresses).map { row in
            var json = row.json
            json["customerId"] = nil
            return .object(json)
        })
        return .object(object)
    }

    /// A strong entity tag (RFC 9110 §8.8.3) of this version of the record: SHA-256 over every
    /// row's id and field stamps. Any change to the customer, a phone or an address changes it.
    public var entityTag: String {
        var hasher = SHA256()
        for row in [customer] + phones + addresses {
            hasher.update(data: Array(row.id.string.utf8))
            for (name, stamp) in row.stamps.sorted(by: { $0.key < $1.key }) {
                hasher.update(data: Array("\(name)=\(stamp.hlc.rawValue)@\(stamp.origin.rawValue);".utf8))
            }
        }
        return "\"" + hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Keeps `primary = true` on the row with the greatest `primary` stamp only.
    static func resolvePrimary(_ rows: [StoredRow]) -> [StoredRow] {
        let winner = rows.filter { $0["primary"] == .integer(1) }.max { a, b in
            (a.stamps["primary"].map { ($0.hlc, $0.origin) } ?? (.zero, .hub)) < (b.stamps["primary"].map { ($0.hlc, $0.origin) } ?? (.zero, .hub))
        }
        return rows.map { row in
            guard row["primary"] == .integer(1), row.id != winner?.id else { return row }
            var copy = row
            copy.values["primary"] = .integer(0)
            return copy
        }
    }
}
