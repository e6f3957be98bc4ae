/// Why bytes are not a valid changeset. The whole changeset is rejected; nothing is applied.
///
/// Codes are open-ended (new ones may be added): compare ``code`` with the static members.
/// Descriptions name the fault and its byte offset, never field values (which may be personal data).
public struct ChangesetDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The input ends early (a cut zstd frame or payload).
        public static let truncated = Code(rawValue: "TRUNCATED")
        /// The input is not a zstd frame, or the frame is corrupt (checksum mismatch).
        public static let notZstd = Code(rawValue: "NOT_ZSTD")
        /// The decompressed payload would exceed the decompression limit.
        public static let tooLarge = Code(rawValue: "TOO_LARGE")
        /// The payload does not start with the magic `RTCS`.
        public static let badMagic = Code(rawValue: "BAD_MAGIC")
        /// The format version is newer than this decoder.
        public static let unsupportedVersion = Code(rawValue: "UNSUPPORTED_FORMAT_VERSION")
        /// The frame holds more names, changes, fields or value bytes than the decoder accepts
        /// (``ChangesetCodec/DecodingLimits``); refused before allocating for them.
        public static let limitExceeded = Code(rawValue: "LIMIT_EXCEEDED")
        /// A structural rule is broken (bad tag, index out of range, HLC order, bytes after the end).
        public static let malformed = Code(rawValue: "MALFORMED")
        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
