import RooftopModel
import RooftopReplication
import RooftopWire
import Testing

/// The change log's field encoding: a known field by its position in its entity (one byte for
/// the schema's few dozen fields), an unknown one (a newer schema's) by name; decoding gives back
/// the fields exactly, in order.
@Suite struct FieldListCodecTests {
    static let fields = [
        FieldChange("firstName", .text("Ana")), FieldChange("doNotContact", .integer(1)), FieldChange("email", .null),
        FieldChange("preferredSeason", .text("spring")),  // not in this schema: kept by name
    ]

    @Test func fieldsRoundTripWithTheirEntityAndUnknownFieldsKeepTheirNames() throws {
        let bytes = FieldListCodec.encode(Self.fields, entity: CRMSchema.customer)
        #expect(try FieldListCodec.decode(bytes, entity: CRMSchema.customer) == Self.fields)
        // Known fields take one tag byte; the unknown one carries its name.
        let firstName = try #require(CRMSchema.customer.fieldIndex["firstName"])
        #expect(bytes[0] == 4 && bytes[1] == UInt8(firstName + 1))
        #expect(bytes.count < FieldListCodec.encode(Self.fields, entity: nil).count)
        // A table this schema does not know: every field by name.
        #expect(try FieldListCodec.decode(FieldListCodec.encode(Self.fields, entity: nil), entity: nil) == Self.fields)
    }

    @Test func aTagNamingNoFieldOfTheEntityIsMalformed() throws {
        let email = try #require(CRMSchema.customer.fieldIndex["email"])
        #expect(email >= 1)
        let bytes = FieldListCodec.encode([FieldChange("email", .text("a@b.co"))], entity: CRMSchema.customer)
        // Read with an entity of one field: the tag is past its end.
        let small = EntitySchema(table: "tiny", fields: [FieldSpec("a", .text(maxLength: 4))])
        let error = try #require(throws: ChangesetDecodingError.self) { try FieldListCodec.decode(bytes, entity: small) }
        #expect(error.code == .malformed)
        // A tag with no entity at all is malformed too.
        #expect(throws: ChangesetDecodingError.self) { try FieldListCodec.decode(bytes, entity: nil) }
    }

    @Test func theFirstEncodingByNameStillDecodesForTheMigration() throws {
        // varint count 1, name "email" (length 5), text tag 3, "a@b.co" (length 6)
        let bytes: [UInt8] = [1, 5] + Array("email".utf8) + [3, 6] + Array("a@b.co".utf8)
        #expect(try FieldListCodec.decodeByName(bytes) == [FieldChange("email", .text("a@b.co"))])
        #expect(throws: ChangesetDecodingError.self) { try FieldListCodec.decodeByName(Array(bytes.dropLast())) }
    }
}
