import Foundation
import Hummingbird
import RooftopModel
import RooftopReplication
import RooftopHTTP

/// Reading request parts, each failure a 4xx problem.
enum RequestBody {
    /// Largest accepted JSON body: 1 MiB.
    static let maxBytes = 1 << 20

    /// The body as a JSON object.
    /// - Throws: ``ProblemDetails`` 413 when too large, 400 `MALFORMED_JSON` when not a JSON object.
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        let value = try await json(request)
        guard case .object(let object) = value else {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body must be a JSON object, not \(value.kindName)")
        }
        return object
    }

    /// The body as a JSON object, or nil when the request has no body.
    /// - Throws: as ``jsonObject(_:)``.
    static func optionalJSONObject(_ request: Request) async throws -> [String: JSONValue]? {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE", detail: "the body is larger than \(maxBytes) bytes")
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body must be a JSON object")
        }
        return object
    }

    /// The body as any JSON value.
    /// - Throws: ``ProblemDetails`` 413 when too large, 400 `MALFORMED_JSON` when not JSON.
    static func json(_ request: Request) async throws -> JSONValue {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxBytes) } catch {
            throw ProblemDetails(.contentTooLarge, code: "CONTENT_TOO_LARGE", detail: "the body is larger than \(maxBytes) bytes")
        }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) } catch {
            throw ProblemDetails(.badRequest, code: "MALFORMED_JSON", title: "Malformed JSON", detail: "the body is not valid JSON")
        }
        return value
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

    /// Refuses members of a body other than `allowed`.
    /// - Throws: ``ProblemDetails`` 400 `VALIDATION` naming each unknown member.
    static func refuseUnknownFields(_ body: [String: JSONValue], allowed: Set<String>) throws {
        let unknown = body.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw ProblemDetails.validation(FieldInputError.combining(unknown.map { FieldInputError(pointer: "/\(EntitySchema.escape($0))", reason: "unknown field") })!)
        }
    }

    /// An optional array of UUIDs (at most 10,000).
    static func ids(_ value: JSONValue?, at pointer: String) throws -> [RowID] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value, items.count <= 10_000 else {
            throw ProblemDetails.validation(FieldInputError(pointer: pointer, reason: "expected an array of at most 10000 UUIDs"))
        }
        return try items.enumerated().map { i, item in
            guard case .string(let text) = item, let id = RowID(text) else {
                throw ProblemDetails.validation(FieldInputError(pointer: "\(pointer)/\(i)", reason: "expected a UUID"))
            }
            return id
        }
    }

    /// An optional UUID member.
    static func optionalID(_ value: JSONValue?, at pointer: String) throws -> RowID? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value, let id = RowID(text) else {
            throw ProblemDetails.validation(FieldInputError(pointer: pointer, reason: "expected a UUID"))
        }
        return id
    }
}
