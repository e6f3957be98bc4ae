import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) or SIGTERM during a long command asks it to stop at its next safe point instead
/// of killing it: the first signal sets ``requested`` and says so on stderr; a second one ends the
/// process at once with 130 (128 + SIGINT), as a shell expects, which loses only the work in flight.
final class StopRequest: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    /// The signal sources, kept as long as the request: set once by ``install(_:)`` before it returns
    /// the request, never touched after (hence unchecked).
    private var sources: [any DispatchSourceSignal] = []

    /// True once SIGINT or SIGTERM arrived.
    var requested: Bool { flag.load(ordering: .relaxed) }

    /// Takes over SIGINT and SIGTERM for this process; `message` is written to stderr at the first.
    static func install(_ message: String) -> StopRequest {
        let request = StopRequest()
        var made: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)  // delivered to the source below, not to the default handler
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [request] in
                if request.flag.exchange(true, ordering: .relaxed) { exit(130) }
                FileHandle.standardError.write(Data(("\n" + message + "\n").utf8))
            }
            source.resume()
            made.append(source)
        }
        request.sources = made
        return request
    }
}
