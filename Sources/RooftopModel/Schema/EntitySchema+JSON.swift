extension EntitySchema {
    /// Reads the fields a JSON object sets, in the design document's shape (nested
    /// `communicationPreferences` / `demographicInfo` objects included).
    ///
    /// A key that is absent is not in the result (a partial update keeps that field); a key set
    /// to `null` clears the field.
    /// - Parameters:
    ///   - object: the request body.
    ///   - ignoring: keys handled elsewhere or read-only (`id`, `phoneNumbers`, `createdAt`, ...).
    ///   - pointer: the JSON Pointer prefix of `object` in the request.
    /// - Returns: field name → normalised stored value.
    /// - Throws: ``FieldInputError`` for an unknown key, a system field, or an invalid value.
    public func inputFields(from object: [String: JSONValue], ignoring: Set<String> = [], pointer: String = "")
        throws(FieldInputError) -> [String: FieldValue]
    {
        var result: [String: FieldValue] = [:]
        var problems: [FieldInputError] = []
        let groups = Set(fields.compactMap(\.group))
        for (key, value) in object.sorted(by: { $0.key < $1.key }) where !ignoring.contains(key) {
            do throws(FieldInputError) {
                if groups.contains(key) {
                    if case .null = value { continue }
                    guard case .object(let inner) = value else {
                        throw FieldInputError(pointer: "\(pointer)/\(Self.escape(key))", reason: "expected an object, got \(value.kindName)")
                    }
                    for (innerKey, innerValue) in inner.sorted(by: { $0.key < $1.key }) {
                        guard let spec = field(innerKey), spec.group == key, !spec.isSystem else {
                            throw FieldInputError(pointer: "\(pointer)/\(Self.escape(key))/\(Self.escape(innerKey))", reason: "unknown field")
                        }
                        result[innerKey] = try spec.type.storedValue(for: innerValue, at: "\(pointer)/\(Self.escape(key))/\(Self.escape(innerKey))")
                    }
                    continue
                }
                guard let spec = field(key), spec.group == nil else {
                    throw FieldInputError(pointer: "\(pointer)/\(Self.escape(key))", reason: "unknown field")
                }
                if spec.isSystem { continue }  // read-only: a GET body sent back as a PUT is accepted
                result[key] = try spec.type.storedValue(for: value, at: "\(pointer)/\(Self.escape(key))")
            } catch {
                problems.append(error)  // keep going: every bad value is reported at once
            }
        }
        if let error = FieldInputError.combining(problems) { throw error }
        return result
    }

    /// Escapes a key for a JSON Pointer (RFC 6901 §3: `~` → `~0`, `/` → `~1`).
    public static func escape(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The JSON object of a stored row: `id`, every field (null when unset), nested groups.
    public func json(id: RowID, values: [String: FieldValue]) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["id": .string(id.string)]
        object.reserveCapacity(fields.count + 1)
        var nested: [String: [String: JSONValue]] = [:]
        for spec in fields {
            let value = spec.type.jsonValue(for: values[spec.name] ?? .null)
            if let group = spec.group {
                nested[group, default: [:]][spec.name] = value
            } else {
                object[spec.name] = value
            }
        }
        for (group, members) in nested { object[group] = .object(members) }
        return object
    }
}
