import Crypto
import RooftopModel
import RooftopReplication

/// A customer with its phone numbers and addresses, as the design document shows `Customer`.
public struct CustomerRecord: Sendable, Hashable {
    public var customer: StoredRow
    public var phones: [StoredRow]
    public var addresses: [StoredRow]
    /// The element rows of the customer's tags (present and removed).
    public var tagElements: [StoredRow] = []
    /// The customer's loyalty ledger events.
    public var loyaltyEvents: [StoredRow] = []
    /// The ids a merge absorbed into this customer, sorted (`sync-protocol/customer-merge.md`);
    /// shown as `mergedFrom` when not empty.
    public var mergedFrom: [RowID] = []
    /// Set when the record was asked for by an absorbed id: the survivor's id (this record's).
    public var mergedInto: RowID?
    /// False for a record read to be shown only (a list or search page): the customer's and its tag
    /// elements' field stamps were not read, so ``entityTag`` is not this version's. ``json`` is the same.
    public internal(set) var stampsRead = true

    public init(customer: StoredRow, phones: [StoredRow], addresses: [StoredRow], tagElements: [StoredRow] = [], loyaltyEvents: [StoredRow] = []) {
        self.customer = customer
        self.phones = phones
        self.addresses = addresses
        self.tagElements = tagElements
        self.loyaltyEvents = loyaltyEvents
    }

    /// The loyalty account: the ledger replayed (``LoyaltyLedger``).
    public var loyalty: LoyaltyAccount {
        LoyaltyAccount(customerId: customer.id, tier: customer["loyaltyTier"].textValue, rows: loyaltyEvents)
    }

    /// The tags present: those with an element row not removed (add-wins), each shown as its
    /// earliest present element spells it, sorted case-insensitively.
    public var tags: [String] {
        var byKey: [String: (FieldStamp?, String)] = [:]
        for element in tagElements where element["removed"] != .integer(1) {
            guard case .text(let tag) = element["tag"] else { continue }
            let key = tag.lowercased()
            if let existing = byKey[key], let a = existing.0, let b = element.created, a <= b { continue }
            byKey[key] = (element.created, tag)
        }
        return byKey.values.map(\.1).sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }
    }

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
        for (name, value) in addedMembers { object[name] = value }
        return .object(object)
    }

    /// The names of ``addedMembers``, each at most once (`loyaltyTier` replaces the stored floor).
    static let addedMemberNames = ["tags", "loyaltyPoints", "loyaltyTier", "mergedFrom", "mergedInto"]

    /// The members ``json`` adds to the customer row's own besides `phoneNumbers` and `addresses`:
    /// `tags`, `loyaltyPoints` and `loyaltyTier` (the ledger's balance and shown tier), and
    /// `mergedFrom` / `mergedInto` when set. Names from ``addedMemberNames``.
    var addedMembers: [(name: String, value: JSONValue)] {
        let account = LoyaltyAccount.summary(tier: customer["loyaltyTier"].textValue, rows: loyaltyEvents)
        var members: [(name: String, value: JSONValue)] = [
            ("tags", .array(tags.map(JSONValue.string))),
            ("loyaltyPoints", .number(Double(account.loyaltyPoints))),
            ("loyaltyTier", account.loyaltyTier.map(JSONValue.string) ?? .null),
        ]
        if !mergedFrom.isEmpty { members.append(("mergedFrom", .array(mergedFrom.map { .string($0.string) }))) }
        if let mergedInto { members.append(("mergedInto", .string(mergedInto.string))) }
        return members
    }

    /// A strong entity tag (RFC 9110 §8.8.3) of this version of the record: SHA-256 over every
    /// row's id and field stamps. Any change to the customer, a phone, an address or a tag (an add
    /// or a remove of an element) changes it. Only for a record read with its stamps (``stampsRead``).
    public var entityTag: String {
        assert(stampsRead, "the entity tag of a record read without its stamps")
        var hasher = SHA256()
        for absorbed in mergedFrom { hasher.update(data: Array("merged:\(absorbed.string);".utf8)) }
        for row in [customer] + phones + addresses + tagElements {
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
