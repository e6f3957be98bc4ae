import Foundation
import NIOCore
import NIOHTTP1
import RooftopReplication
import RooftopSync
import RooftopWire
import Synchronization

/// A ``SyncTransport`` to the hub's ``HubService`` in this process, for the convergence soak: the
/// product's own sync client and hub logic, without sockets or TLS, with the faults a network makes.
///
/// Faults are drawn from a seeded generator, so a seed replays the same run: a request lost before
/// the hub sees it, an answer lost after the hub processed it, and a partition (every request lost).
/// Every pushed frame is kept, so the soak can deliver a stale duplicate later.
public final class InProcessTransport: SyncTransport {
    let hub: HubService
    let caller: RooftopID
    let state: Mutex<State>

    struct State {
        var random: SplitMix64
        var partitioned = false
        /// Percent of requests lost before the hub, and of answers lost after it.
        var lossPercent = 0
        var pushedFrames: [[UInt8]] = []
        /// Changes the hub ignored because their row was purged (`PushResult.ignored`).
        var ignoredAtHub = 0
        /// HLCs of this rooftop's changes the hub accepted (answered 200 to a push carrying them).
        var accepted = Set<HLC>()
        var requests = 0
    }

    public init(hub: HubService, caller: RooftopID, seed: UInt64) {
        self.hub = hub
        self.caller = caller
        self.state = Mutex(State(random: SplitMix64(seed: seed)))
    }

    /// While true, every request fails as if the hub could not be reached.
    public var partitioned: Bool {
        get { state.withLock { $0.partitioned } }
        set { state.withLock { $0.partitioned = newValue } }
    }

    /// Percent of requests (and, separately, of answers) lost.
    public var lossPercent: Int {
        get { state.withLock { $0.lossPercent } }
        set { state.withLock { $0.lossPercent = newValue } }
    }

    /// Changes the hub reported it ignored because their row was purged (a lost edit).
    public var ignoredAtHub: Int { state.withLock { $0.ignoredAtHub } }

    /// HLCs of this rooftop's changes the hub accepted (not those it ignored).
    public var acceptedChanges: Set<HLC> { state.withLock { $0.accepted } }

    /// A frame this rooftop pushed earlier, chosen by `pick` from all of them (nil if none).
    public func pushedFrame(_ pick: (Int) -> Int) -> [UInt8]? {
        state.withLock { $0.pushedFrames.isEmpty ? nil : $0.pushedFrames[pick($0.pushedFrames.count)] }
    }

    /// Delivers a frame to the hub again (a stale duplicate from the network).
    public func redeliver(_ frame: [UInt8]) async {
        let answer = await hub.respond(to: caller, .POST, "changesets", contentType: SyncProtocol.changesetMediaType, body: frame)
        observe(push: frame, answer: answer)
    }

    /// Records what the hub accepted (and ignored) of a pushed frame.
    func observe(push frame: [UInt8], answer: HubService.Answer) {
        if ClusterSimulation.trace, let changeset = try? ChangesetCodec.decode(frame) {
            print("TRACE push \(caller) → \(answer.status.code): \(changeset.changes.map { "\($0.kind)@\($0.hlc)" }) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        guard answer.status == .ok, let changeset = try? ChangesetCodec.decode(frame) else { return }
        let ignored = Set(((try? JSONDecoder().decode(PushResult.self, from: Data(answer.body)))?.ignoredChanges ?? []).map(HLC.init(rawValue:)))
        state.withLock {
            $0.accepted.formUnion(changeset.changes.map(\.hlc).filter { !ignored.contains($0) })
            $0.ignoredAtHub += ignored.count
        }
    }

    public func shutdown() async throws {}

    public func send(_ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]?) async throws -> (HTTPResponseStatus, [UInt8], HTTPHeaders) {
        let (lostBefore, lostAfter) = state.withLock { state -> (Bool, Bool) in
            state.requests += 1
            if state.partitioned { return (true, false) }
            let before = Int(state.random.next() % 100) < state.lossPercent
            let after = Int(state.random.next() % 100) < state.lossPercent
            if path == "changesets", let body, !before { state.pushedFrames.append(body) }
            return (before, after)
        }
        if lostBefore { throw SyncError(.hubUnreachable, "the simulated network lost the request") }
        let answer = await hub.respond(to: caller, method, path, contentType: contentType, body: body ?? [])
        if path == "changesets", let body { observe(push: body, answer: answer) }
        if lostAfter { throw SyncError(.hubUnreachable, "the simulated network lost the answer") }
        return (answer.status, answer.body, answer.headers)
    }
}
