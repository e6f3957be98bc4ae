import RooftopModel
import RooftopStore
import RooftopSync

extension ProblemDetails {
    /// Maps replica and input errors to problems: `NOT_FOUND` 404, `ALREADY_EXISTS` 409,
    /// `PRECONDITION_FAILED` 412, `INVALID` 422, field errors 400 `VALIDATION`.
    static func fromStore(_ error: any Error) -> any Error {
        switch error {
        case let e as ReplicaError where e.code == .notFound:
            return ProblemDetails(.notFound, code: "NOT_FOUND", detail: e.message)
        case let e as ReplicaError where e.code == .alreadyExists:
            return ProblemDetails(.conflict, code: "ALREADY_EXISTS", detail: e.message)
        case let e as ReplicaError where e.code == .preconditionFailed:
            return ProblemDetails(.preconditionFailed, code: "PRECONDITION_FAILED", title: "Customer changed",
                                  detail: "the customer changed since it was read (If-Match does not match its ETag); read it again and retry")
        case let e as ReplicaError where e.code == .invalid:
            return ProblemDetails(.unprocessableContent, code: "INVALID", detail: e.message)
        case let e as FieldInputError:
            return ProblemDetails.validation(e)
        default:
            return error
        }
    }
}

extension Replica {
    /// ``perform(_:)`` with store errors mapped to problems.
    func run<T: Sendable>(_ body: @escaping @Sendable (Replica) throws -> T) async throws -> T {
        do { return try await perform(body) } catch { throw ProblemDetails.fromStore(error) }
    }
}
