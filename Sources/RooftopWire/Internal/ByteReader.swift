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

    private func need(_ count: Int, for what: @autoclosure () -> String) throws(ChangesetDecodingError) {
        if count > remaining { throw ChangesetDecodingError(.truncated, "input ends inside \(what()) at byte \(offset)") }
    }

    mutating func readByte(_ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> UInt8 {
        try need(1, for: what())
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> ArraySlice<UInt8> {
        try need(count, for: what())
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func readUInt16(_ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> UInt16 {
        let b = try readBytes(2, what())
        return UInt16(b[b.startIndex]) << 8 | UInt16(b[b.startIndex + 1])
    }

    mutating func readUInt64(_ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> UInt64 {
        let b = try readBytes(8, what())
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Unsigned LEB128 of at most 10 bytes; longer or overflowing encodings are malformed.
    mutating func readVarint(_ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte(what())
            if shift == 63 && byte > 1 { throw ChangesetDecodingError(.malformed, "\(what()): varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ChangesetDecodingError(.malformed, "\(what()): varint longer than 10 bytes") }
        }
    }

    mutating func readSignedVarint(_ what: @autoclosure () -> String) throws(ChangesetDecodingError) -> Int64 {
        let raw = try readVarint(what())
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A varint count bounded by `limit` (a count larger than the input could hold is malformed,
    /// which stops a hostile length from allocating).
    /// - Parameter policy: a count above it is `LIMIT_EXCEEDED` (a decoding limit), checked first.
    mutating func readCount(_ what: @autoclosure () -> String, limit: Int, policy: Int = .max) throws(ChangesetDecodingError) -> Int {
        let raw = try readVarint(what())
        guard raw <= UInt64(policy) else { throw ChangesetDecodingError(.limitExceeded, "\(what()) \(raw) exceeds the limit of \(policy)") }
        guard raw <= UInt64(limit) else { throw ChangesetDecodingError(.malformed, "\(what()) \(raw) exceeds \(limit)") }
        return Int(raw)
    }

    /// - Parameter maxBytes: a length above it is `LIMIT_EXCEEDED`, checked before anything is copied.
    mutating func readLengthPrefixed(_ what: @autoclosure () -> String, maxBytes: Int = .max) throws(ChangesetDecodingError) -> ArraySlice<UInt8> {
        let raw = try readVarint("\(what()) length")
        guard raw <= UInt64(maxBytes) else {
            throw ChangesetDecodingError(.limitExceeded, "\(what()) of \(raw) bytes exceeds the limit of \(maxBytes) at byte \(offset)")
        }
        guard raw <= UInt64(remaining) else {
            throw ChangesetDecodingError(.truncated, "\(what()) of \(raw) bytes runs past the end at byte \(offset)")
        }
        return try readBytes(Int(raw), what())
    }

    mutating func readString(_ what: @autoclosure () -> String, maxBytes: Int = .max) throws(ChangesetDecodingError) -> String {
        let bytes = try readLengthPrefixed(what(), maxBytes: maxBytes)
        guard let text = bytes.withUnsafeBufferPointer(Self.string(utf8:)) else {
            throw ChangesetDecodingError(.malformed, "\(what()) is not valid UTF-8")
        }
        return text
    }

    /// The string of `utf8`, or nil when it is not valid UTF-8. ASCII (names, most values) is
    /// recognised first, 8 bytes at a time: the standard library's generic validation costs more
    /// than the rest of decoding.
    static func string(utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        let count = utf8.count
        if let base = utf8.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= count {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
        }
        while i < count && utf8[i] < 0x80 { i += 1 }
        if i == count { return String(decoding: utf8, as: UTF8.self) }  // ASCII: valid as it is
        return String(validating: utf8, as: UTF8.self)
    }
}
