import Foundation
import Hummingbird
import NIOCore
import RooftopModel

/// An error answer in the RFC 9457 "Problem Details for HTTP APIs" shape
/// (`application/problem+json`), with Rooftop's stable ``code`` as an extension member.
///
/// ```json
/// {"type":"urn:rooftop:problem:CLOCK_SKEW","title":"Clock skew","status":422,
///  "code":"CLOCK_SKEW","detail":"...","offsetMs":420000}
/// ```
/// Source: RFC 9457. Details never carry personal data.
public struct ProblemDetails: HTTPResponseError, Codable, Sendable, Equatable, CustomStringConvertible {
    /// `urn:rooftop:problem:<code>`.
    public var type: String
    public var title: String
    /// The HTTP status code.
    public var statusCode: Int
    public var detail: String?
    /// Stable machine-readable code (`CLOCK_SKEW`, `ORIGIN_MISMATCH`, `VALIDATION`, ...).
    public var code: String
    /// For `CLOCK_SKEW`: how far the refused HLC was ahead of the receiver's clock, in ms.
    public var offsetMs: UInt64?
    /// For `VALIDATION`: each bad field as a JSON Pointer (RFC 6901) and the rule broken.
    public var errors: [FieldProblem]?
    /// For `TOO_MANY_PUSHES`: seconds to wait before trying again; also sent as `Retry-After` (RFC 9110 §10.2.3).
    public var retryAfter: Int?
    /// Extension member of a `DUPLICATE_CUSTOMER` problem: the existing customers the request would
    /// duplicate, each `{"customerId", "probability", "weight", "matched", "differed"}`.
    public var duplicates: [JSONValue]?

    /// One invalid field of a request body.
    public struct FieldProblem: Codable, Sendable, Equatable {
        public var pointer: String
        public var detail: String
        public init(pointer: String, detail: String) {
            self.pointer = pointer
            self.detail = detail
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, code, offsetMs, errors, retryAfter, duplicates
    }

    public init(_ status: HTTPResponse.Status, code: String, title: String? = nil, detail: String? = nil,
                offsetMs: UInt64? = nil, errors: [FieldProblem]? = nil, retryAfter: Int? = nil) {
        self.type = "urn:rooftop:problem:\(code)"
        self.title = title ?? status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.code = code
        self.offsetMs = offsetMs
        self.errors = errors
        self.retryAfter = retryAfter
    }

    /// The media type of the body, `application/problem+json`.
    public static let mediaType = "application/problem+json"

    public var status: HTTPResponse.Status { .init(code: statusCode) }

    public var description: String { "\(code): \(detail ?? title)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        var headers: HTTPFields = [.contentType: Self.mediaType]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension ProblemDetails {
    /// 400 `VALIDATION` for an invalid request field.
    public static func validation(_ error: FieldInputError) -> ProblemDetails {
        ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: error.description,
                       errors: error.all.map { FieldProblem(pointer: $0.pointer, detail: $0.reason) })
    }

    /// Converts any error raised while serving into a problem: known errors keep their status,
    /// Hummingbird's `HTTPError`s keep theirs, anything else is a 500 that names no internals.
    public static func from(_ error: any Error) -> ProblemDetails {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case let invalid as FieldInputError:
            return .validation(invalid)
        case let http as HTTPError:
            let code: String = switch http.status.code {
            case 404: "NOT_FOUND"
            case 405: "METHOD_NOT_ALLOWED"
            case 413: "CONTENT_TOO_LARGE"
            case 415: "UNSUPPORTED_MEDIA_TYPE"
            default: http.status.code < 500 ? "BAD_REQUEST" : "INTERNAL"
            }
            return ProblemDetails(http.status, code: code, detail: http.body)
        case is NIOTooManyBytesError:
            return ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE", detail: "the request body is larger than this endpoint accepts")
        case is DecodingError:
            return ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body is not valid JSON of the expected shape")
        default:
            return ProblemDetails(.internalServerError, code: "INTERNAL", detail: "an internal error occurred; see the server log")
        }
    }
}

/// Turns every error thrown below it into an RFC 9457 problem response.
public struct ProblemDetailsMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemDetails.from(error)
            if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}

extension Response {
    /// A JSON response of a ``JSONValue``, sorted keys: the bytes `JSONEncoder` writes, written directly
    /// (``JSONValue/jsonBytes()``), without the `Encoder` containers that were a third of a node's CPU answering lists.
    /// - Throws: ``JSONValue/NonFiniteNumber`` for NaN or an infinity.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: try value.jsonBytes())))
    }

    /// A JSON response of bytes already written (such as ``JSONValue/jsonBytes()``'s).
    public static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A JSON response with sorted keys (stable bytes). A ``JSONValue``, or an object or array of them,
    /// is written directly (the same bytes).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        if let object = value as? [String: JSONValue] { return try json(JSONValue.object(object), status: status) }
        if let array = value as? [JSONValue] { return try json(JSONValue.array(array), status: status) }
        if let value = value as? JSONValue { return try json(value, status: status) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
