import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopWire

/// An in-process cluster of a hub and several rooftops with controllable clocks, driven by a
/// seeded random schedule of writes (create, edit, delete, restore, phones, interactions),
/// syncs, partitions, delayed / duplicated / reordered / dropped deliveries and crashes. After
/// healing and syncing to quiescence every replica must hold the same digests and conflicts, and
/// every row must equal the fold of its logged history (`sync-protocol/README.md`, properties).
///
/// Messages are the exchange's own: a push carries the rooftop's outbox after the hub's entry
/// for it (as `hello` would report at send time), a pull answer carries the hub's changes after
/// the rooftop's version vector at request time; both travel as encoded changeset frames.
public final class ClusterSimulation {
    struct Node {
        let id: RooftopID
        let path: String
        let clock: ManualWallClock
        var replica: Replica
        var partitioned = false
    }

    enum Message {
        case push(from: Int, frames: [[UInt8]])
        case pullAnswer(to: Int, frames: [[UInt8]])
    }

    public let seed: UInt64
    var random: SplitMix64
    let directory: TemporaryDirectory
    let baseClock: ManualWallClock
    let hub: Replica
    var nodes: [Node] = []
    var inFlight: [Message] = []
    var report: SimulationReport

    /// - Parameters:
    ///   - seed: the schedule's seed (the same seed replays the same run).
    ///   - rooftops: how many rooftops (≥ 2).
    public init(seed: UInt64, rooftops: Int = 5) throws {
        self.seed = seed
        random = SplitMix64(seed: seed)
        report = SimulationReport(seed: seed)
        directory = try TemporaryDirectory("rooftop-sim-\(seed)")
        baseClock = ManualWallClock()
        hub = try Replica(path: directory.path("hub.sqlite"), rooftop: .hub, wallClock: baseClock)
        for i in 0..<rooftops {
            let id = RooftopID(rawValue: "r\(i)")!
            // Each rooftop's clock is off by up to ±2 minutes, inside the 5-minute drift limit.
            let clock = ManualWallClock(milliseconds: UInt64(Int64(baseClock.nowMilliseconds()) + Int64(random.next() % 240_000) - 120_000))
            let path = directory.path("\(id).sqlite")
            nodes.append(Node(id: id, path: path, clock: clock, replica: try Replica(path: path, rooftop: id, wallClock: clock)))
        }
    }

    deinit { directory.remove() }

    func roll(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    func chance(_ percent: Int) -> Bool { roll(100) < percent }

    /// Runs `steps` random steps, heals, syncs to quiescence and checks convergence.
    public func run(steps: Int = 150) -> SimulationReport {
        do {
            for _ in 0..<steps { try step() }
            try healAndSettle()
            try check()
        } catch {
            report.failures.append("error: \(error)")
        }
        return report
    }

    func step() throws {
        report.steps += 1
        advanceClocks(by: Int64(roll(2_000)))
        switch roll(100) {
        case 0..<40: try localWrite(at: roll(nodes.count))
        case 40..<52: try sendPush(from: roll(nodes.count))
        case 52..<64: try sendPullAnswer(to: roll(nodes.count))
        case 64..<86: try deliverOne()
        case 86..<90: if !inFlight.isEmpty { inFlight.remove(at: roll(inFlight.count)); report.drops += 1 }
        case 90..<95: nodes[roll(nodes.count)].partitioned.toggle()
        default: try crash(roll(nodes.count))
        }
    }

    func advanceClocks(by ms: Int64) {
        baseClock.advance(by: ms)
        for node in nodes { node.clock.advance(by: ms) }
    }

    // MARK: - writes

    func visibleCustomers(_ replica: Replica) throws -> [RowID] {
        try replica.customers(limit: 1_000).map(\.customer.id)
    }

    static let notes = ["VIP", "prefers mornings", "call back", "trade-in soon", "moved", nil]
    static let occupations = ["Chef", "Nurse", "Electrician", "Teacher", nil]

    func localWrite(at index: Int) throws {
        let replica = nodes[index].replica
        let customers = try visibleCustomers(replica)
        do {
            switch roll(100) {
            case 0..<25, _ where customers.isEmpty:
                var fields: [String: FieldValue] = ["lastName": .text(["Berry", "Muñoz", "Nguyen", "Smith"][roll(4)]), "firstName": .text("N\(roll(50))")]
                if chance(50) { fields["email"] = .text("c\(roll(1_000))@example.com") }
                let phones = chance(60) ? [ChildInput(fields: ["number": .text("+1555010\(String(format: "%04d", roll(10_000)))")])] : []
                try replica.createCustomer(CustomerInput(fields: fields, phones: phones))
            case 25..<60:
                let id = customers[roll(customers.count)]
                var fields: [String: FieldValue] = [:]
                if chance(60) { fields["notes"] = Self.notes[roll(Self.notes.count)].map(FieldValue.text) ?? .null }
                if chance(40) { fields["occupation"] = Self.occupations[roll(Self.occupations.count)].map(FieldValue.text) ?? .null }
                if chance(30) { fields["leadScore"] = .integer(Int64(roll(100))) }
                if chance(20) { fields["doNotContact"] = .bool(chance(50)) }
                var phones: [ChildInput]?
                if chance(20) { phones = [ChildInput(fields: ["number": .text("+1555020\(String(format: "%04d", roll(10_000)))"), "primary": .bool(true)])] }
                var tags: [String]?
                if chance(25) { tags = ["VIP", "fleet", "service-plan"].filter { _ in chance(50) } }
                try replica.updateCustomer(id: id, CustomerInput(fields: fields, phones: phones, tags: tags))
            case 60..<72:
                try replica.delete(CRMSchema.customer, id: customers[roll(customers.count)])
            case 72..<80:
                if let deleted = try deletedCustomer(replica) { try replica.restore(CRMSchema.customer, id: deleted) }
            case 88..<90:
                try replica.erase(customer: customers[roll(customers.count)])
            case 80..<88:
                let id = customers[roll(customers.count)]
                let balance = try replica.loyalty(customer: id).loyaltyPoints
                if balance > 0 && chance(60) {
                    try replica.recordLoyalty(.redeem, points: Int64(1 + roll(Int(balance))), reason: "sim", customer: id)
                } else {
                    try replica.recordLoyalty(.add, points: Int64(1 + roll(200)), reason: "sim", customer: id)
                }
            default:
                try replica.addInteraction(["customerId": .text(customers[roll(customers.count)].string), "type": .text("Call"),
                                            "subject": .text("sim \(roll(1_000))")])
            }
            report.localWrites += 1
        } catch let error as ReplicaError where error.code == .notFound {
            // A race the schedule can create (e.g. restore of a row restored meanwhile): staff would see 404.
        }
    }

    func deletedCustomer(_ replica: Replica) throws -> RowID? {
        try replica.conflicts(limit: 1).first.map(\.rowID) ?? deletedIDs(replica).first
    }

    func deletedIDs(_ replica: Replica) throws -> [RowID] {
        try replica.deletedRowIDs(CRMSchema.customer)
    }

    // MARK: - the exchange

    func sendPush(from index: Int) throws {
        guard !nodes[index].partitioned else { return }
        let node = nodes[index]
        let cursor = try hub.versionVector()[node.id]
        let changeset = try node.replica.changeset(origin: node.id, after: cursor, limit: 50 + roll(200))
        guard !changeset.changes.isEmpty else { return }
        inFlight.append(.push(from: index, frames: [try ChangesetCodec.encode(changeset)]))
    }

    func sendPullAnswer(to index: Int) throws {
        guard !nodes[index].partitioned else { return }
        let seen = try nodes[index].replica.versionVector()
        var frames: [[UInt8]] = []
        for (origin, latest) in try hub.versionVector().entries.sorted(by: { $0.key < $1.key }) where seen[origin] < latest {
            let changeset = try hub.changeset(origin: origin, after: seen[origin], limit: 50 + roll(200))
            frames.append(try ChangesetCodec.encode(changeset))
        }
        if !frames.isEmpty { inFlight.append(.pullAnswer(to: index, frames: frames)) }
    }

    func deliverOne() throws {
        guard !inFlight.isEmpty else { return }
        let i = roll(inFlight.count)  // any in-flight message: reordering
        let message = inFlight[i]
        if chance(15) { report.duplicates += 1 } else { inFlight.remove(at: i) }  // duplicated: stays in flight
        try deliver(message)
    }

    func deliver(_ message: Message) throws {
        report.deliveries += 1
        switch message {
        case .push(let from, let frames):
            guard !nodes[from].partitioned else { return }
            for frame in frames { try hub.apply(try ChangesetCodec.decode(frame)) }
        case .pullAnswer(let to, let frames):
            guard !nodes[to].partitioned else { return }
            for frame in frames { try nodes[to].replica.apply(try ChangesetCodec.decode(frame)) }
        }
    }

    func crash(_ index: Int) throws {
        report.crashes += 1
        inFlight.removeAll {
            switch $0 {
            case .push(let from, _): from == index
            case .pullAnswer(let to, _): to == index
            }
        }
        let node = nodes[index]
        nodes[index].replica = try Replica(path: node.path, rooftop: node.id, wallClock: node.clock)
    }

    // MARK: - healing and checks

    func healAndSettle() throws {
        for i in nodes.indices { nodes[i].partitioned = false }
        while !inFlight.isEmpty {
            let message = inFlight.removeFirst()
            if chance(50) { try deliver(message) } else { report.drops += 1 }
        }
        // Sync to quiescence: pushes then pulls, round robin, until a round moves nothing.
        for _ in 0..<10 {
            let before = try hub.versionVector()
            for i in nodes.indices {
                while let _ = try pushNow(i) {}
            }
            for i in nodes.indices { try pullNow(i) }
            if try hub.versionVector() == before && nodes.allSatisfy({ (try? $0.replica.versionVector().dominates(hub.versionVector())) == true }) {
                return
            }
        }
        report.failures.append("no quiescence after 10 rounds")
    }

    func pushNow(_ index: Int) throws -> Int? {
        let node = nodes[index]
        let changeset = try node.replica.changeset(origin: node.id, after: try hub.versionVector()[node.id], limit: 1_000)
        guard !changeset.changes.isEmpty else { return nil }
        try hub.apply(try ChangesetCodec.decode(try ChangesetCodec.encode(changeset)))
        return changeset.changes.count
    }

    func pullNow(_ index: Int) throws {
        while true {
            let seen = try nodes[index].replica.versionVector()
            var moved = false
            for (origin, latest) in try hub.versionVector().entries where seen[origin] < latest {
                let changeset = try hub.changeset(origin: origin, after: seen[origin], limit: 1_000)
                if changeset.changes.isEmpty {
                    // The hub's remaining entries of this origin were erased or compacted: as a
                    // final pull answer's Rooftop-Vector does, catch the vector up.
                    try nodes[index].replica.advanceVersionVector(to: VersionVector([origin: latest]))
                } else {
                    try nodes[index].replica.apply(try ChangesetCodec.decode(try ChangesetCodec.encode(changeset)))
                }
                moved = true
            }
            if !moved { return }
        }
    }

    func check() throws {
        let expected = try hub.digest()
        let expectedConflicts = try hub.conflicts(limit: 100_000)
        report.conflicts = expectedConflicts.count
        for node in nodes {
            let digest = try node.replica.digest()
            for (a, b) in zip(digest, expected) where a != b {
                report.failures.append("\(node.id) differs from the hub in \(a.table) (\(a.rows) vs \(b.rows) rows)")
            }
            if try node.replica.conflicts(limit: 100_000) != expectedConflicts {
                report.failures.append("\(node.id) lists different conflicts than the hub")
            }
        }
        for mismatch in try hub.rowsDifferingFromTheirHistory() {
            report.failures.append("hub row differs from the fold of its history: \(mismatch)")
        }
    }
}
