import RooftopCRM
import RooftopModel
import RooftopStore
import RooftopHTTP

extension ProblemDetails {
    /// Maps replica and input errors to problems: `NOT_FOUND` 404, `GONE` 410 (deleted, erased or purged), `ALREADY_EXISTS` 409,
    /// `PRECONDITION_FAILED` 412, `INVALID` 422, field errors 400 `VALIDATION`, `CLOCK_SKEW` 503 (this node's clock is far
    /// ahead of the hub's: writes are refused until it is set right), `BUSY` 409.
    static func fromStore(_ error: any Error) -> any Error {
        switch error {
        case let e as ReplicaError where e.code == .notFound:
            return ProblemDetails(.notFound, code: "NOT_FOUND", detail: e.message)
        case let e as ReplicaError where e.code == .gone:
            return ProblemDetails(.gone, code: "GONE", title: "Gone", detail: e.message)
        case let e as ReplicaError where e.code == .clockSkew:
            // Not the client's fault: this node's clock is wrong; it refuses to stamp writes in the future.
            return ProblemDetails(.serviceUnavailable, code: "CLOCK_SKEW", title: "This computer's clock is wrong", detail: e.message)
        case let e as ReplicaError where e.code == .busy:
            return ProblemDetails(.conflict, code: "BUSY", detail: e.message)
        case let e as ReplicaError where e.code == .conflict:
            return ProblemDetails(.conflict, code: "CONFLICT", title: "Conflict with the record's state", detail: e.message)
        case let e as ReplicaError where e.code == .insufficientPoints:
            return ProblemDetails(.conflict, code: e.code.rawValue, title: "Insufficient points", detail: e.message)
        case let e as ReplicaError where e.code == .alreadyExists:
            return ProblemDetails(.conflict, code: "ALREADY_EXISTS", detail: e.message)
        case let e as ReplicaError where e.code == .preconditionFailed:
            return ProblemDetails(.preconditionFailed, code: "PRECONDITION_FAILED", title: "Changed since read",
                                  detail: "the record changed since it was read (If-Match does not match its ETag); read it again and retry")
        case let e as ReplicaError where e.code == .invalid:
            return ProblemDetails(.unprocessableContent, code: "INVALID", detail: e.message)
        case let e as FieldInputError:
            return ProblemDetails.validation(e)
        default:
            return error
        }
    }
}

extension CRMService {
    /// Runs CRM work off the cooperative thread pool (``Replica/perform(_:)``), store errors mapped to problems.
    func run<T: Sendable>(_ body: @escaping @Sendable (CRMService) throws -> T) async throws -> T {
        let service = self
        return try await replica.run { _ in try body(service) }
    }
}

extension Replica {
    /// ``perform(_:)`` with store errors mapped to problems.
    func run<T: Sendable>(_ body: @escaping @Sendable (Replica) throws -> T) async throws -> T {
        do { return try await perform(body) } catch { throw ProblemDetails.fromStore(error) }
    }
}
