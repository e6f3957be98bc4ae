/// Reads what ``ByteWriter`` writes. `read…` consumes and throws ``ChangesetDecodingError``
/// with code `truncated` on short input, so short input and bad input stay distinguishable.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    var remaining: Int { bytes.count - offset }

    private func need(_ count: Int, for what: String) throws(ChangesetDecodingError) {
        if count > remaining { throw ChangesetDecodingError(.truncated, "input ends inside \(what) at byte \(offset)") }
    }

    mutating func readByte(_ what: String) throws(ChangesetDecodingError) -> UInt8 {
        try need(1, for: what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(ChangesetDecodingError) -> ArraySlice<UInt8> {
        try need(count, for: what)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func readUInt16(_ what: String) throws(ChangesetDecodingError) -> UInt16 {
        let b = try readBytes(2, what)
        return UInt16(b[b.startIndex]) << 8 | UInt16(b[b.startIndex + 1])
    }

    mutating func readUInt64(_ what: String) throws(ChangesetDecodingError) -> UInt64 {
        let b = try readBytes(8, what)
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Unsigned LEB128 of at most 10 bytes; longer or overflowing encodings are malformed.
    mutating func readVarint(_ what: String) throws(ChangesetDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte(what)
            if shift == 63 && byte > 1 { throw ChangesetDecodingError(.malformed, "\(what): varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ChangesetDecodingError(.malformed, "\(what): varint longer than 10 bytes") }
        }
    }

    mutating func readSignedVarint(_ what: String) throws(ChangesetDecodingError) -> Int64 {
        let raw = try readVarint(what)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A varint count bounded by `limit` (a count larger than the input could hold is malformed,
    /// which stops a hostile length from allocating).
    mutating func readCount(_ what: String, limit: Int) throws(ChangesetDecodingError) -> Int {
        let raw = try readVarint(what)
        guard raw <= UInt64(limit) else { throw ChangesetDecodingError(.malformed, "\(what) \(raw) exceeds \(limit)") }
        return Int(raw)
    }

    mutating func readLengthPrefixed(_ what: String) throws(ChangesetDecodingError) -> ArraySlice<UInt8> {
        let raw = try readVarint("\(what) length")
        guard raw <= UInt64(remaining) else {
            throw ChangesetDecodingError(.truncated, "\(what) of \(raw) bytes runs past the end at byte \(offset)")
        }
        return try readBytes(Int(raw), what)
    }

    mutating func readString(_ what: String) throws(ChangesetDecodingError) -> String {
        let bytes = try readLengthPrefixed(what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ChangesetDecodingError(.malformed, "\(what) is not valid UTF-8")
        }
        return text
    }
}
