import Hummingbird

/// Refuses a request whose query string is not well percent-encoded (RFC 3986 §2.1): a `%` not
/// followed by two hexadecimal digits (`q=100%zz`), or escapes that decode to bytes that are not
/// UTF-8 (`q=%FF`). Hummingbird would hand such a value on as it was typed, so `q=%zz` would search
/// for the three characters `%zz`: the caller gets 400 `INVALID_QUERY` (RFC 9457) naming the first
/// bad escape, and nothing is read or written.
public struct QueryEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A middleware with nothing to configure.
    public init() {}

    /// Passes a request with a well-encoded query (or none) to `next`.
    /// - Throws: ``ProblemDetails`` 400 `INVALID_QUERY` otherwise (``problem(_:)`` says what is wrong).
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, let problem = Self.problem(query) {
            throw ProblemDetails(.badRequest, code: "INVALID_QUERY", title: "Malformed query string",
                                 detail: problem + "; encode a literal % as %25 (RFC 3986 §2.1)")
        }
        return try await next(request, context)
    }

    /// What is wrong with the percent-encoding of `query` (as sent, not decoded), or nil when each
    /// `&`-separated part decodes to UTF-8.
    public static func problem(_ query: String) -> String? {
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let bytes = Array(part.utf8)
            var decoded: [UInt8] = []
            decoded.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "%") else {
                    decoded.append(bytes[index])
                    index += 1
                    continue
                }
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    let escape = String(decoding: bytes[index..<min(index + 3, bytes.count)], as: UTF8.self)
                    return "'\(escape)' in the query is not a percent-encoded byte (% and two hexadecimal digits)"
                }
                decoded.append(high << 4 | low)
                index += 3
            }
            if String(validating: decoded, as: UTF8.self) == nil {
                let name = part.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return "the query parameter '\(name)' decodes to bytes that are not UTF-8"
            }
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
