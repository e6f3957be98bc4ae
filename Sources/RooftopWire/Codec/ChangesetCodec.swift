import RooftopModel
import RooftopReplication

/// Encodes and decodes changesets: the binary payload of `sync-protocol/changeset-format.md`
/// inside one zstd frame (RFC 8878) that the `zstd` command decodes.
///
/// ```swift
/// let frame = try ChangesetCodec.encode(changeset)       // [UInt8], a zstd frame
/// let back = try ChangesetCodec.decode(frame)           // == changeset
/// ```
///
/// Payload layout (all integers big-endian, varints LEB128):
/// `"RTCS"` · format version u16 · schema version u16 · origin (u8 length + ASCII) ·
/// name table (varint count, then length-prefixed UTF-8 names) · change count varint ·
/// changes (HLC delta varint · kind u8 · table name index varint · row id 16 bytes ·
/// field count varint · fields (name index varint · value)). Values: tag u8 then
/// 0 null · 1 integer (zigzag varint) · 2 real (IEEE 754 binary64, 8 bytes) · 3 text
/// (length-prefixed UTF-8) · 4 blob (length-prefixed).
public enum ChangesetCodec {
    /// The four bytes every payload starts with: `RTCS`.
    public static let magic: [UInt8] = Array("RTCS".utf8)
    /// The payload format this codec writes and the newest it reads.
    public static let formatVersion: UInt16 = 1
    /// Default decompression limit: 64 MiB of payload.
    public static let defaultPayloadLimit = 64 << 20
    /// Most changes a writer puts in one frame (push batches, pull pages, exports): 5,000.
    public static let maxChangesPerFrame = 5_000
    /// Most decompressed payload bytes a writer puts in one frame: 8 MiB, an eighth of the
    /// decoder's ``defaultPayloadLimit``. A frame is cut at the change that would pass it
    /// (``FrameBudget``); one change is always far smaller (text values are capped in bytes).
    public static let maxFramePayloadBytes = 8 << 20

    /// What a decoder accepts in one frame, checked before anything is allocated for it; a frame
    /// beyond any of them is refused whole with `LIMIT_EXCEEDED` (the hub answers 413).
    public struct DecodingLimits: Sendable, Equatable {
        /// Most entries in the name table (default 4,096).
        public var maxNames: Int
        /// Most changes (default 5,000, what writers put in a frame).
        public var maxChanges: Int
        /// Most fields over all changes (default 500,000).
        public var maxFields: Int
        /// Most bytes of one text or blob value (default 1 MiB).
        public var maxValueBytes: Int

        public init(maxNames: Int = 4_096, maxChanges: Int = ChangesetCodec.maxChangesPerFrame, maxFields: Int = 500_000,
                    maxValueBytes: Int = 1 << 20) {
            self.maxNames = maxNames
            self.maxChanges = maxChanges
            self.maxFields = maxFields
            self.maxValueBytes = maxValueBytes
        }

        /// The limits every decoder applies unless told otherwise.
        public static let standard = DecodingLimits()
        /// No limits but the payload's own size (tools reading trusted files).
        public static let unlimited = DecodingLimits(maxNames: .max, maxChanges: .max, maxFields: .max, maxValueBytes: .max)
    }

    enum ValueTag: UInt8 {
        case null = 0, integer = 1, real = 2, text = 3, blob = 4
    }

    /// Encodes a changeset as one zstd frame (level 3, with content checksum).
    /// - Throws: ``ChangesetValidationError`` when the changeset breaks its invariants;
    ///   ``ZstdError`` if compression fails.
    public static func encode(_ changeset: Changeset, level: Int32 = 3) throws -> [UInt8] {
        try Zstd.compress(encodePayload(changeset), level: level)
    }

    /// Encodes the uncompressed payload.
    /// - Throws: ``ChangesetValidationError``.
    public static func encodePayload(_ changeset: Changeset) throws(ChangesetValidationError) -> [UInt8] {
        try changeset.validate()
        var names: [String] = []
        var nameIndex: [String: Int] = [:]
        func index(_ name: String) -> Int {
            if let i = nameIndex[name] { return i }
            nameIndex[name] = names.count
            names.append(name)
            return names.count - 1
        }
        var body = ByteWriter(capacity: changeset.changes.count * 64)
        body.writeVarint(UInt64(changeset.changes.count))
        var previous = HLC.zero
        for change in changeset.changes {
            body.writeVarint(change.hlc.rawValue - previous.rawValue)
            previous = change.hlc
            body.writeByte(change.kind.rawValue)
            body.writeVarint(UInt64(index(change.table)))
            body.writeBytes(change.rowID.bytes)
            body.writeVarint(UInt64(change.fields.count))
            for field in change.fields {
                body.writeVarint(UInt64(index(field.name)))
                writeValue(field.value, to: &body)
            }
        }
        var out = ByteWriter(capacity: body.bytes.count + 64)
        out.writeBytes(magic)
        out.writeUInt16(formatVersion)
        out.writeUInt16(changeset.schemaVersion)
        let origin = Array(changeset.origin.rawValue.utf8)
        out.writeByte(UInt8(origin.count))
        out.writeBytes(origin)
        out.writeVarint(UInt64(names.count))
        for name in names { out.writeLengthPrefixed(name) }
        out.writeBytes(body.bytes)
        return out.bytes
    }

    static func writeValue(_ value: FieldValue, to writer: inout ByteWriter) {
        switch value {
        case .null:
            writer.writeByte(ValueTag.null.rawValue)
        case .integer(let v):
            writer.writeByte(ValueTag.integer.rawValue)
            writer.writeSignedVarint(v)
        case .real(let v):
            writer.writeByte(ValueTag.real.rawValue)
            writer.writeUInt64(v.bitPattern)
        case .text(let v):
            writer.writeByte(ValueTag.text.rawValue)
            writer.writeLengthPrefixed(v)
        case .blob(let v):
            writer.writeByte(ValueTag.blob.rawValue)
            writer.writeLengthPrefixed(v)
        }
    }

    /// Decodes one zstd frame holding one changeset.
    /// - Parameters:
    ///   - frame: exactly one zstd frame, nothing after it.
    ///   - payloadLimit: the most payload bytes to decompress (default 64 MiB).
    ///   - limits: the most names, changes, fields and value bytes accepted (default ``DecodingLimits/standard``:
    ///     4,096 names, 5,000 changes, 500,000 fields, 1 MiB per value).
    /// - Throws: ``ChangesetDecodingError``: `NOT_ZSTD`, `TRUNCATED`, `TOO_LARGE`, `BAD_MAGIC`,
    ///   `UNSUPPORTED_FORMAT_VERSION`, `LIMIT_EXCEEDED` or `MALFORMED`.
    public static func decode(_ frame: [UInt8], payloadLimit: Int = defaultPayloadLimit,
                              limits: DecodingLimits = .standard) throws(ChangesetDecodingError) -> Changeset {
        try decodePayload(Zstd.decompressFrame(frame, limit: payloadLimit), limits: limits)
    }

    /// Decodes an uncompressed payload.
    /// - Parameter limits: see ``decode(_:payloadLimit:limits:)``.
    /// - Throws: ``ChangesetDecodingError``.
    public static func decodePayload(_ payload: [UInt8], limits: DecodingLimits = .standard) throws(ChangesetDecodingError) -> Changeset {
        var reader = ByteReader(payload)
        let head = try reader.readBytes(4, "magic")
        guard Array(head) == magic else { throw ChangesetDecodingError(.badMagic, "payload does not start with RTCS") }
        let version = try reader.readUInt16("format version")
        guard version >= 1 && version <= formatVersion else {
            throw ChangesetDecodingError(.unsupportedVersion, "format version \(version); this build reads 1...\(formatVersion)")
        }
        let schemaVersion = try reader.readUInt16("schema version")
        let originLength = Int(try reader.readByte("origin length"))
        let originBytes = try reader.readBytes(originLength, "origin")
        guard let originText = String(validating: originBytes, as: UTF8.self), let origin = RooftopID(rawValue: originText) else {
            throw ChangesetDecodingError(.malformed, "origin is not a valid rooftop id")
        }
        let nameCount = try reader.readCount("name count", limit: reader.remaining, policy: limits.maxNames)
        var names: [String] = []
        names.reserveCapacity(nameCount)
        // The table may list a name twice (decoders accept that): each entry's first position,
        // so that repeated fields are found by position below.
        var firstPosition: [Int] = []
        var positions: [String: Int] = [:]
        for _ in 0..<nameCount {
            let name = try reader.readString("name")
            guard Changeset.isValidName(name) else { throw ChangesetDecodingError(.malformed, "invalid name in name table") }
            if positions[name] == nil { positions[name] = names.count }
            firstPosition.append(positions[name]!)
            names.append(name)
        }
        func nameIndex(_ what: String) throws(ChangesetDecodingError) -> Int {
            let i = try reader.readVarint(what)
            guard i < UInt64(names.count) else { throw ChangesetDecodingError(.malformed, "\(what) \(i) outside the name table") }
            return Int(i)
        }
        // For each name, the last change (numbered from 1) that wrote a field by it: a field written
        // twice in one change is found by index, without comparing names.
        var writtenIn = [Int](repeating: 0, count: names.count)
        let changeCount = try reader.readCount("change count", limit: reader.remaining, policy: limits.maxChanges)
        var fieldTotal = 0
        var changes: [RowChange] = []
        changes.reserveCapacity(changeCount)
        var previous: UInt64 = 0
        for _ in 0..<changeCount {
            let delta = try reader.readVarint("HLC delta")
            let (hlc, overflow) = previous.addingReportingOverflow(delta)
            guard !overflow else { throw ChangesetDecodingError(.malformed, "HLC overflows 64 bits") }
            guard delta > 0 else {
                throw ChangesetDecodingError(.malformed, "HLCs are not strictly increasing at change \(changes.count)")
            }
            previous = hlc
            let kindByte = try reader.readByte("change kind")
            guard let kind = RowChange.Kind(rawValue: kindByte) else {
                throw ChangesetDecodingError(.malformed, "unknown change kind \(kindByte)")
            }
            let table = names[try nameIndex("table index")]
            let rowID = RowID(bytes: try reader.readBytes(16, "row id"))!
            let fieldCount = try reader.readCount("field count", limit: reader.remaining)
            fieldTotal += fieldCount
            guard fieldTotal <= limits.maxFields else {
                throw ChangesetDecodingError(.limitExceeded, "more than \(limits.maxFields) fields (at change \(changes.count))")
            }
            var fields: [FieldChange] = []
            fields.reserveCapacity(fieldCount)
            let changeNumber = changes.count + 1
            for _ in 0..<fieldCount {
                let index = try nameIndex("field name index")
                guard writtenIn[firstPosition[index]] != changeNumber else {
                    throw ChangesetDecodingError(.malformed, "change \(changes.count): field \(names[index]) written twice")
                }
                writtenIn[firstPosition[index]] = changeNumber
                fields.append(FieldChange(names[index], try readValue(&reader, maxBytes: limits.maxValueBytes)))
            }
            changes.append(RowChange(table: table, rowID: rowID, hlc: HLC(rawValue: hlc), kind: kind, fields: fields))
        }
        guard reader.remaining == 0 else {
            throw ChangesetDecodingError(.malformed, "\(reader.remaining) bytes after the last change")
        }
        // What Changeset.validate() checks holds by construction: names valid (the name table),
        // HLCs strictly increasing (positive deltas), no field twice in a change (above).
        return Changeset(schemaVersion: schemaVersion, origin: origin, changes: changes)
    }

    /// One value; a text or blob longer than `maxBytes` is `LIMIT_EXCEEDED`, refused before it is copied.
    static func readValue(_ reader: inout ByteReader, maxBytes: Int = .max) throws(ChangesetDecodingError) -> FieldValue {
        let tag = try reader.readByte("value tag")
        switch ValueTag(rawValue: tag) {
        case .null: return .null
        case .integer: return .integer(try reader.readSignedVarint("integer value"))
        case .real: return .real(Double(bitPattern: try reader.readUInt64("real value")))
        case .text: return .text(try reader.readString("text value", maxBytes: maxBytes))
        case .blob: return .blob(Array(try reader.readLengthPrefixed("blob value", maxBytes: maxBytes)))
        case nil: throw ChangesetDecodingError(.malformed, "unknown value tag \(tag)")
        }
    }
}
