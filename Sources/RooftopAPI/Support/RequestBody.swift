import Foundation
import Hummingbird
import RooftopModel
import RooftopReplication
import RooftopSync

/// Reading request parts, each failure a 4xx problem.
enum RequestBody {
    /// Largest accepted JSON body: 1 MiB.
    static let maxBytes = 1 << 20

    /// The body as a JSON object.
    /// - Throws: ``ProblemDetails`` 413 when too large, 400 `MALFORMED_JSON` when not a JSON object.
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE", detail: "the body is larger than \(maxBytes) bytes")
        }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) } catch {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body must be a JSON object, not \(value.kindName)")
        }
        return object
    }

    /// A path parameter that must be a UUID.
    /// - Throws: ``ProblemDetails`` 400 `VALIDATION` when it is not.
    static func rowID(_ context: some RequestContext, _ name: String) throws -> RowID {
        guard let text = context.parameters.get(name), let id = RowID(text) else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request", detail: "\(name) must be a UUID",
                                 errors: [.init(pointer: "/\(name)", detail: "expected a UUID")])
        }
        return id
    }

    /// An integer query parameter within `range`, or `default` when absent.
    static func integer(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ProblemDetails(.badRequest, code: "VALIDATION", title: "Invalid request",
                                 detail: "query parameter \(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}
