import RooftopModel
import Testing

/// ``JSONObjectLayout`` writes an entity's JSON straight to bytes; they must be exactly those of the
/// JSON value built the usual way (``EntitySchema/json(id:values:)`` with the extra members assigned).
@Suite("JSONObjectLayout")
struct JSONObjectLayoutTests {
    static let id = RowID("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")!
    /// Made up to hit the edges: a field named like an extra, a group, a list, a decimal, non-ASCII and escaped names.
    static let entity = EntitySchema(table: "probe", fields: [
        FieldSpec("name", .text(maxLength: 100)), FieldSpec("mergedFrom", .text(maxLength: 100)), FieldSpec("score", .decimal),
        FieldSpec("labels", .list(.text(maxLength: 20), maxCount: 5)), FieldSpec("b", .boolean, in: "prefs"), FieldSpec("a", .integer(0...9), in: "prefs"),
        FieldSpec("żółw", .text(maxLength: 10)), FieldSpec("quote\"d", .text(maxLength: 10)), FieldSpec("Zeta", .text(maxLength: 10)),
    ])

    static func expected(_ values: [String: FieldValue], extras: [String: JSONValue]) throws -> [UInt8] {
        var object = entity.json(id: id, values: values)
        for (key, value) in extras { object[key] = value }
        return try JSONValue.object(object).jsonBytes()
    }

    @Test(arguments: [[:], ["mergedFrom": JSONValue.array([.string("x")])], ["tags": .array([]), "mergedFrom": .null]])
    func writesTheBytesOfTheJSONValue(extras: [String: JSONValue]) throws {
        let layout = JSONObjectLayout(Self.entity, extras: ["mergedFrom", "tags"])
        for values: [String: FieldValue] in [
            [:],
            ["name": .text("Ana \"Nana\" Muñoz\n"), "mergedFrom": .text("stored"), "score": .text("12.50"), "labels": .text(#"["a","b"]"#),
             "b": .integer(1), "a": .integer(3), "żółw": .text("ok"), "quote\"d": .text("q"), "Zeta": .text("z")],
        ] {
            var bytes: [UInt8] = []
            try layout.write(id: Self.id, values: values, to: &bytes) { name, out in
                guard let value = extras[name] else { return false }
                try value.write(to: &out)
                return true
            }
            #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: try Self.expected(values, extras: extras), as: UTF8.self))
        }
    }

    @Test func anOmittedFieldIsLeftOut() throws {
        let layout = JSONObjectLayout(Self.entity, omitting: ["name", "prefs"])
        var bytes: [UInt8] = []
        try layout.write(id: Self.id, values: ["name": .text("Ana")], to: &bytes)
        var object = Self.entity.json(id: Self.id, values: ["name": .text("Ana")])
        object["name"] = nil
        object["prefs"] = nil
        #expect(bytes == (try JSONValue.object(object).jsonBytes()))
    }
}
