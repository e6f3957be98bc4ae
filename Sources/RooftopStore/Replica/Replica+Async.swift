import Dispatch

extension Replica {
    /// Runs blocking replica work (SQLite I/O) on a GCD thread and awaits its result, so
    /// servers never block Swift's cooperative thread pool.
    /// - Throws: whatever `body` throws.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Replica) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body(self) })
            }
        }
    }
}
