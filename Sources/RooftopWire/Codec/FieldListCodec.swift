import RooftopModel
import RooftopReplication

/// The compact encoding of one change's fields as the change log stores them:
/// varint count, then per field a length-prefixed name and a value in the changeset's value
/// encoding (`sync-protocol/changeset-format.md#values`). Also the canonical bytes of a value
/// for content digests.
public enum FieldListCodec {
    /// - Returns: the encoded fields.
    public static func encode(_ fields: [FieldChange]) -> [UInt8] {
        var writer = ByteWriter(capacity: fields.count * 16)
        writer.writeVarint(UInt64(fields.count))
        for field in fields {
            writer.writeLengthPrefixed(field.name)
            ChangesetCodec.writeValue(field.value, to: &writer)
        }
        return writer.bytes
    }

    /// - Throws: ``ChangesetDecodingError`` when the bytes are cut or malformed.
    public static func decode(_ bytes: [UInt8]) throws(ChangesetDecodingError) -> [FieldChange] {
        var reader = ByteReader(bytes)
        let count = try reader.readCount("field count", limit: bytes.count)
        var fields: [FieldChange] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readString("field name")
            fields.append(FieldChange(name, try ChangesetCodec.readValue(&reader)))
        }
        guard reader.remaining == 0 else { throw ChangesetDecodingError(.malformed, "bytes after the last field") }
        return fields
    }

    /// Appends the canonical encoding of a value (tag + payload) to `bytes`.
    public static func appendCanonical(_ value: FieldValue, to bytes: inout [UInt8]) {
        var writer = ByteWriter(capacity: 16)
        ChangesetCodec.writeValue(value, to: &writer)
        bytes.append(contentsOf: writer.bytes)
    }
}
