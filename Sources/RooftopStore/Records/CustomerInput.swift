import RooftopModel

/// A customer as staff or an import supply it: the design document's `Customer` JSON, whole
/// (create) or partial (update).
public struct CustomerInput: Sendable, Equatable {
    /// Customer fields to set; absent fields are left as they are.
    public var fields: [String: FieldValue]
    /// Phone numbers to add or change; nil when the input does not mention them.
    public var phones: [ChildInput]?
    /// Addresses to add or change; nil when the input does not mention them.
    public var addresses: [ChildInput]?
    /// The customer's tags (the whole set: missing ones are removed); nil when not mentioned.
    /// Trimmed, NFC, 1–64 characters, compared case-insensitively.
    public var tags: [String]?

    public init(fields: [String: FieldValue] = [:], phones: [ChildInput]? = nil, addresses: [ChildInput]? = nil, tags: [String]? = nil) {
        self.fields = fields
        self.phones = phones
        self.addresses = addresses
        self.tags = tags
    }

    /// Reads the design document's JSON shape. `id`, `createdAt`, `updatedAt`, `homeRooftop`
    /// and `loyaltyPoints` (and a merged customer's `mergedFrom`, `mergedInto`) are read-only and ignored, so a fetched customer can be sent back.
    /// - Throws: ``FieldInputError`` with the JSON Pointer of the first bad value and every other
    ///   one in ``FieldInputError/additional``.
    public init(json: [String: JSONValue]) throws(FieldInputError) {
        var problems: [FieldInputError] = []
        func collect<T>(_ read: () throws(FieldInputError) -> T?) -> T? {
            do { return try read() } catch { problems.append(error); return nil }
        }
        self.fields = collect { () throws(FieldInputError) in
            try CRMSchema.customer.inputFields(from: json, ignoring: ["id", "phoneNumbers", "addresses", "tags", "loyaltyPoints", "mergedFrom", "mergedInto"])
        } ?? [:]
        self.phones = collect { () throws(FieldInputError) in try Self.children(json["phoneNumbers"], key: "phoneNumbers", entity: CRMSchema.customerPhone) }
        self.addresses = collect { () throws(FieldInputError) in try Self.children(json["addresses"], key: "addresses", entity: CRMSchema.customerAddress) }
        self.tags = collect { () throws(FieldInputError) in try Self.tags(json["tags"]) }
        if let error = FieldInputError.combining(problems) { throw error }
    }

    /// Reads a `tags` JSON array: trimmed, NFC, 1–64 characters each, duplicates (case-insensitive) dropped.
    /// - Throws: ``FieldInputError`` with the pointer of the first bad element.
    public static func tags(_ json: JSONValue?) throws(FieldInputError) -> [String]? {
        guard let json, json != .null else { return nil }
        guard case .array(let elements) = json else { throw FieldInputError(pointer: "/tags", reason: "expected an array of strings") }
        var tags: [String] = []
        for (i, element) in elements.enumerated() {
            guard case .string = element else { throw FieldInputError(pointer: "/tags/\(i)", reason: "expected a string") }
            guard case .text(let tag) = try FieldType.text(maxLength: 64).storedValue(for: element, at: "/tags/\(i)") else {
                throw FieldInputError(pointer: "/tags/\(i)", reason: "a tag cannot be empty")
            }
            if !tags.contains(where: { $0.caseInsensitiveCompare(tag) == .orderedSame }) { tags.append(tag) }
        }
        return tags
    }

    static func children(_ json: JSONValue?, key: String, entity: EntitySchema) throws(FieldInputError) -> [ChildInput]? {
        guard let json, json != .null else { return nil }
        guard case .array(let elements) = json else {
            throw FieldInputError(pointer: "/\(key)", reason: "expected an array, got \(json.kindName)")
        }
        var result: [ChildInput] = []
        for (i, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                throw FieldInputError(pointer: "/\(key)/\(i)", reason: "expected an object, got \(element.kindName)")
            }
            var id: RowID?
            if let raw = object["id"], raw != .null {
                guard let text = raw.stringValue, let parsed = RowID(text) else {
                    throw FieldInputError(pointer: "/\(key)/\(i)/id", reason: "expected a UUID")
                }
                id = parsed
            }
            let fields = try entity.inputFields(from: object, ignoring: ["id"], pointer: "/\(key)/\(i)")
            result.append(ChildInput(id: id, fields: fields))
        }
        return result
    }
}

/// A phone number or address inside a ``CustomerInput``: with `id` it changes that record,
/// without it adds one (or changes the customer's record with the same number / street and
/// postal code).
public struct ChildInput: Sendable, Equatable {
    public var id: RowID?
    public var fields: [String: FieldValue]

    public init(id: RowID? = nil, fields: [String: FieldValue]) {
        self.id = id
        self.fields = fields
    }
}
