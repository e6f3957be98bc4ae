/// The members of an entity's JSON object (``EntitySchema/json(id:values:)``, plus members the caller
/// adds) in the order ``JSONValue/write(to:)`` puts them, worked out once, so that a row is written
/// straight to bytes: no dictionary per object, no sorting per object. The bytes are those of
/// `JSONValue.object(…).write(to:)` for the same members (a test holds them equal).
///
/// Used where the same shape is written many times: a page of customers (REST lists and searches).
public struct JSONObjectLayout: Sendable {
    enum Member: Sendable {
        case id
        case field(FieldSpec)
        /// A nested object (`communicationPreferences`): its fields in key order.
        case group([(key: [UInt8], spec: FieldSpec)])
        /// A member the caller writes (``write(id:values:to:extra:)``); when it writes nothing, the
        /// entity's field of that name, if any, as the JSON value's dictionary kept it.
        indirect case extra(String, otherwise: Member?)
    }

    /// `"key":` as bytes, and what follows it; in key order.
    let members: [(key: [UInt8], member: Member)]

    /// - Parameters:
    ///   - entity: the declaration whose ``EntitySchema/json(id:values:)`` shape this writes.
    ///   - omitting: fields (or groups) left out, such as a child's `customerId`.
    ///   - extras: members the caller writes; one named like a field replaces it where the caller writes
    ///     it, and leaves the field where it writes nothing (as assigning into the JSON value's dictionary does).
    public init(_ entity: EntitySchema, omitting: Set<String> = [], extras: [String] = []) {
        var byKey: [String: Member] = ["id": .id]
        var groups: [String: [FieldSpec]] = [:]
        for spec in entity.fields {
            if let group = spec.group { groups[group, default: []].append(spec) } else if !omitting.contains(spec.name) { byKey[spec.name] = .field(spec) }
        }
        for (group, specs) in groups where !omitting.contains(group) {
            let sorted = specs.sorted { JSONValue.utf8Precedes($0.name, $1.name) }
            byKey[group] = .group(sorted.map { (Self.keyBytes($0.name), $0) })
        }
        for extra in extras { byKey[extra] = .extra(extra, otherwise: byKey[extra]) }
        members = byKey.keys.sorted(by: JSONValue.utf8Precedes).map { (Self.keyBytes($0), byKey[$0]!) }
    }

    static func keyBytes(_ key: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONValue.writeString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        return bytes
    }

    /// Appends the object: `id`, each field as ``FieldType/jsonValue(for:)`` shows it (null when unset),
    /// nested groups, and each extra member for which `extra` writes a value.
    /// - Parameters:
    ///   - extra: called with an extra member's name after its key is written; writes the value and
    ///     returns true, or writes nothing and returns false to leave the member out.
    /// - Throws: ``JSONValue/NonFiniteNumber``, or what `extra` throws.
    public func write(id: RowID, values: [String: FieldValue], to out: inout [UInt8],
                      extra: (String, inout [UInt8]) throws -> Bool = { _, _ in false }) throws {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, member) in members {
            let mark = out.count
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: key)
            guard try writeValue(member, id: id, values: values, to: &out, extra: extra) else {
                out.removeSubrange(mark...)
                continue
            }
            first = false
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Writes one member's value; false when an extra member (with no field of its name) is left out.
    private func writeValue(_ member: Member, id: RowID, values: [String: FieldValue], to out: inout [UInt8],
                            extra: (String, inout [UInt8]) throws -> Bool) throws -> Bool {
        switch member {
        case .id:
            JSONValue.writeString(id.string, to: &out)
        case .field(let spec):
            try spec.type.jsonValue(for: values[spec.name] ?? .null).write(to: &out)
        case .group(let specs):
            out.append(UInt8(ascii: "{"))
            for (index, (innerKey, spec)) in specs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: innerKey)
                try spec.type.jsonValue(for: values[spec.name] ?? .null).write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .extra(let name, let otherwise):
            if try extra(name, &out) { return true }
            guard let otherwise else { return false }
            return try writeValue(otherwise, id: id, values: values, to: &out, extra: extra)
        }
        return true
    }
}
