import RooftopModel
import RooftopReplication

/// The compact encoding of one change's fields as the change log stores them
/// (`sync-protocol/sync-exchange.md#change-log`): varint count, then per field a varint tag and
/// a value in the changeset's value encoding (`sync-protocol/changeset-format.md#values`). Tag
/// `i + 1` is field `i` of the change's entity (positions never change: fields are only
/// appended); tag 0 is followed by the field's name, length-prefixed (a field or table this
/// schema does not know, kept and forwarded). Also the canonical bytes of a value for content
/// digests.
public enum FieldListCodec {
    /// - Parameter entity: the change's entity; nil for a table this schema does not know.
    /// - Returns: the encoded fields.
    public static func encode(_ fields: [FieldChange], entity: EntitySchema?) -> [UInt8] {
        var writer = ByteWriter(capacity: fields.count * 12)
        writer.writeVarint(UInt64(fields.count))
        for field in fields {
            if let position = entity?.fieldIndex[field.name] {
                writer.writeVarint(UInt64(position) + 1)
            } else {
                writer.writeVarint(0)
                writer.writeLengthPrefixed(field.name)
            }
            ChangesetCodec.writeValue(field.value, to: &writer)
        }
        return writer.bytes
    }

    /// - Parameter entity: the entity the fields were encoded with (nil: every field by name).
    /// - Throws: ``ChangesetDecodingError`` when the bytes are cut or malformed, or a tag names
    ///   no field of `entity`.
    public static func decode(_ bytes: [UInt8], entity: EntitySchema?) throws(ChangesetDecodingError) -> [FieldChange] {
        var reader = ByteReader(bytes)
        let count = try reader.readCount("field count", limit: bytes.count)
        var fields: [FieldChange] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            let tag = try reader.readVarint("field tag")
            let name: String
            if tag == 0 {
                name = try reader.readString("field name")
            } else {
                guard let entity, tag <= UInt64(entity.fields.count) else {
                    throw ChangesetDecodingError(.malformed, "field tag \(tag) names no field of \(entity?.table ?? "an unknown table")")
                }
                name = entity.fields[Int(tag - 1)].name
            }
            fields.append(FieldChange(name, try ChangesetCodec.readValue(&reader)))
        }
        guard reader.remaining == 0 else { throw ChangesetDecodingError(.malformed, "bytes after the last field") }
        return fields
    }

    /// Decodes the change log's first encoding (every field by its length-prefixed name), for
    /// the migration that rewrites an older replica's log.
    /// - Throws: ``ChangesetDecodingError`` when the bytes are cut or malformed.
    public static func decodeByName(_ bytes: [UInt8]) throws(ChangesetDecodingError) -> [FieldChange] {
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
