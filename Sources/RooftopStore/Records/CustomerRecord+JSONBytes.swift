import RooftopModel

extension CustomerRecord {
    /// The customer row's JSON with ``json``'s members added (``addedMemberNames`` and the children).
    static let customerLayout = JSONObjectLayout(CRMSchema.customer, extras: ["phoneNumbers", "addresses"] + addedMemberNames)
    static let phoneLayout = JSONObjectLayout(CRMSchema.customerPhone, omitting: ["customerId"])
    static let addressLayout = JSONObjectLayout(CRMSchema.customerAddress, omitting: ["customerId"])

    /// Appends ``json``'s compact text, the same bytes as `json.write(to:)`, written straight from the
    /// rows (``JSONObjectLayout``): building and sorting the objects of a page of customers was about
    /// a quarter of a node's CPU answering lists.
    /// - Throws: ``JSONValue/NonFiniteNumber`` (a stored decimal that is not finite).
    public func writeJSON(to out: inout [UInt8]) throws {
        let added = addedMembers  // five at most: looked up by name below
        try Self.customerLayout.write(id: customer.id, values: customer.values, to: &out) { member, out in
            switch member {
            case "phoneNumbers": try Self.writeChildren(Self.resolvePrimary(phones), Self.phoneLayout, to: &out)
            case "addresses": try Self.writeChildren(Self.resolvePrimary(addresses), Self.addressLayout, to: &out)
            default:
                guard let value = added.first(where: { $0.name == member })?.value else { return false }
                try value.write(to: &out)
            }
            return true
        }
    }

    /// `{"items":[customer,…],"nextCursor":cursor|null}`: a page of a list or search, as bytes.
    /// - Throws: ``JSONValue/NonFiniteNumber``.
    public static func pageJSON(_ records: [CustomerRecord], nextCursor: String?) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(records.count * 1_500 + 64)
        out.append(contentsOf: #"{"items":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try record.writeJSON(to: &out)
        }
        out.append(contentsOf: #"],"nextCursor":"#.utf8)
        try (nextCursor.map(JSONValue.string) ?? .null).write(to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func writeChildren(_ rows: [StoredRow], _ layout: JSONObjectLayout, to out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "["))
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try layout.write(id: row.id, values: row.values, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
