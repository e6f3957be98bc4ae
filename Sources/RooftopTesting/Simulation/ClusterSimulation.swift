import Foundation
import RooftopCRM
import Logging
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopWire

/// The convergence soak: an in-process hub and several rooftops running the product's own sync
/// client (``SyncClient``) and hub logic (``HubService``) over an ``InProcessTransport``, driven by a
/// seeded random schedule, then healed and synced to quiescence.
///
/// The schedule: writes of every kind (customers, phones, addresses, tags, loyalty, interactions,
/// deletes, restores, child edits racing a parent's delete, erasures); syncs, some cut short by a lost
/// request or answer; stale duplicate pushes; partitions long enough to pass the retention horizon
/// (then `BEYOND_RETENTION` and a re-bootstrap with unsent edits); crashes (a replica reopened); a
/// rooftop clock set years ahead and later corrected (writes refused, then re-stamped); hub compactions
/// that purge, some concurrent with each other and with a sync; rooftop compactions; changesets from a
/// newer release (schema 99, an unknown field) that older rooftops must keep and forward.
///
/// Invariants checked at the end (`sync-protocol/README.md`): every replica holds the hub's digests and
/// conflicts; every row equals the fold of its history; no outbox is left; and **no edit is lost**: every
/// local edit (followed through re-stamps) was accepted by the hub, or is in its rooftop's review queue
/// (a change the hub ignored because its row was purged goes there too), or concerns a customer erased since.
public final class ClusterSimulation {
    final class Node {
        let index: Int
        let id: RooftopID
        let path: String
        let clock: ManualWallClock
        /// Its usual offset from the hub's clock, within the drift limit.
        let offset: Int64
        var replica: Replica
        let transport: InProcessTransport
        var client: SyncClient
        var clockAhead = false
        /// This rooftop's own changes recorded up to here.
        var ownCursor: HLC = .zero
        var restampsSeen = 0

        init(index: Int, id: RooftopID, path: String, clock: ManualWallClock, offset: Int64, replica: Replica, transport: InProcessTransport) {
            self.index = index
            self.id = id
            self.path = path
            self.clock = clock
            self.offset = offset
            self.replica = replica
            self.transport = transport
            self.client = SyncClient(replica: replica, transport: transport, pageSize: 200)
        }
    }

    /// One local edit, followed through re-stamps.
    struct Edit {
        let origin: RooftopID
        let table: String
        let row: RowID
        var hlc: HLC
        let customer: RowID?
    }

    public let seed: UInt64
    var random: SplitMix64
    let directory: TemporaryDirectory
    let baseClock: ManualWallClock
    let hub: Replica
    /// A second handle on the hub's file, for compactions concurrent with the first's.
    let hubSecondHandle: Replica
    let hubService: HubService
    var nodes: [Node] = []
    var edits: [Edit] = []
    var report: SimulationReport
    var futureHLC: HLC = .zero
    static let day: Int64 = 86_400_000
    /// The retention horizon: short, so partitions pass it.
    static let retention: UInt64 = 4 * 86_400_000
    static let future = RooftopID(rawValue: "newer-release")!

    /// - Parameters:
    ///   - seed: the schedule's seed (the same seed replays the same run, but for the interleaving of
    ///     the few compactions run concurrently).
    ///   - rooftops: how many rooftops (≥ 2).
    public init(seed: UInt64, rooftops: Int = 5) throws {
        self.seed = seed
        random = SplitMix64(seed: seed)
        report = SimulationReport(seed: seed)
        directory = try TemporaryDirectory("rooftop-sim-\(seed)")
        baseClock = ManualWallClock()
        hub = try Replica(path: directory.path("hub.sqlite"), rooftop: .hub, wallClock: baseClock)
        hubSecondHandle = try Replica(path: directory.path("hub.sqlite"), rooftop: .hub, wallClock: baseClock)
        var quiet = Logger(label: "rooftop.sim.hub")
        quiet.logLevel = .critical
        hubService = HubService(replica: hub, logger: quiet)
        for i in 0..<max(2, rooftops) {
            let id = RooftopID(rawValue: "r\(i)")!
            // Each rooftop's clock is off by up to ±2 minutes, inside the 5-minute drift limit.
            let offset = Int64(random.next() % 240_000) - 120_000
            let clock = ManualWallClock(milliseconds: UInt64(Int64(baseClock.nowMilliseconds()) + offset))
            let path = directory.path("\(id).sqlite")
            let transport = InProcessTransport(hub: hubService, caller: id, seed: seed &* 31 &+ UInt64(i))
            nodes.append(Node(index: i, id: id, path: path, clock: clock, offset: offset,
                              replica: try Replica(path: path, rooftop: id, wallClock: clock), transport: transport))
        }
    }

    deinit { directory.remove() }

    func roll(_ n: Int) -> Int { Int(random.next() % UInt64(max(1, n))) }
    func chance(_ percent: Int) -> Bool { roll(100) < percent }

    /// Runs `steps` random steps, heals, syncs to quiescence and checks every invariant.
    public func run(steps: Int = 150) async -> SimulationReport {
        do {
            for _ in 0..<steps { try await step() }
            try await healAndSettle()
            try check()
        } catch {
            report.failures.append("error: \(error)")
        }
        return report
    }

    /// `ROOFTOP_SIM_TRACE=1`: after every step, names the step where an edit first goes missing.
    static let trace = ProcessInfo.processInfo.environment["ROOFTOP_SIM_TRACE"] == "1"
    /// `ROOFTOP_SIM_NO_MERGES=1` leaves duplicate merges out (to tell whether a failing seed needs them).
    static let withoutMerges = ProcessInfo.processInfo.environment["ROOFTOP_SIM_NO_MERGES"] == "1"

    func step() async throws {
        report.steps += 1
        if chance(4) { advanceClocks(by: Self.day * Int64(1 + roll(3))) } else { advanceClocks(by: Int64(roll(2_000))) }
        let i = roll(nodes.count)
        let operation = roll(100)
        defer {
            if Self.trace {
                traceMissingEdits(after: "step \(report.steps) op \(operation) node r\(i)")
                traceWatchedRow(after: "step \(report.steps) op \(operation) node r\(i)")
            }
        }
        switch operation {
        case 0..<40: try localWrite(at: i)
        case 40..<60: await sync(i)
        case 60..<63: await replayStalePush(i)
        case 63..<68: nodes[i].transport.partitioned.toggle()
        case 68..<71: nodes[i].transport.lossPercent = nodes[i].transport.lossPercent == 0 ? 25 : 0
        case 71..<74: try crash(i)
        case 74..<77: try clockEpisode(i)
        case 77..<81: try await compactHub()
        case 81..<83: try compactRooftop(i)
        case 83..<85: try await newerReleasePush()
        default: try localWrite(at: i)
        }
    }

    var reportedMissing = Set<String>()

    func traceMissingEdits(after step: String) {
        for edit in edits where edit.origin != Self.future {
            guard let node = nodes.first(where: { $0.id == edit.origin }) else { continue }
            let key = "\(edit.origin)/\(edit.table)/\(edit.row)/\(edit.hlc.rawValue)"
            let inLog = ((try? node.replica.changeset(origin: node.id, after: HLC(rawValue: edit.hlc.rawValue - 1), limit: 1).changes.first?.hlc) ?? nil) == edit.hlc
            let queued = ((try? node.replica.reviewItems(limit: 100_000)) ?? []).contains { $0.hlc == edit.hlc.rawValue }
            let erased = edit.customer.map { id in ((try? hub.erasures()) ?? []).contains { $0.customerId == id } || ((try? node.replica.erasures()) ?? []).contains { $0.customerId == id } } ?? false
            if !inLog && !queued && !erased && !node.transport.acceptedChanges.contains(edit.hlc) && reportedMissing.insert(key).inserted {
                print("TRACE \(step): \(key) missing (not in its log, not accepted, not queued, not erased)")
            }
        }
    }

    /// `ROOFTOP_SIM_WATCH=<ms>`: prints every replica's state of the row of the edit stamped at that
    /// HLC millisecond whenever it changes.
    static let watch = ProcessInfo.processInfo.environment["ROOFTOP_SIM_WATCH"].flatMap(UInt64.init)
    var watched: (String, RowID)?
    var watchedStates: [String: String] = [:]

    func traceWatchedRow(after step: String) {
        guard let ms = Self.watch else { return }
        if watched == nil, let edit = edits.first(where: { $0.hlc.milliseconds == ms }) { watched = (edit.table, edit.row) }
        guard let (table, id) = watched, let entity = CRMSchema.entity(table) else { return }
        for (name, replica) in [("hub", hub)] + nodes.map({ ("\($0.id)", $0.replica) }) {
            let state = "\(String(describing: try? replica.storedState(entity, id: id))) review=\(((try? replica.reviewItems(limit: 10_000)) ?? []).filter { $0.rowId == id }.map(\.hlc))"
            if watchedStates[name] != state {
                watchedStates[name] = state
                print("WATCH \(step): \(name) \(table)/\(id): \(state)")
            }
        }
    }

    func advanceClocks(by ms: Int64) {
        baseClock.advance(by: ms)
        for node in nodes { node.clock.advance(by: ms) }
    }

    // MARK: - writes

    static let notes = ["VIP", "prefers mornings", "call back", "trade-in soon", "moved", nil]
    static let occupations = ["Chef", "Nurse", "Electrician", "Teacher", nil]

    func phoneNumber(_ prefix: String) -> String { "+1555\(prefix)\(String(format: "%04d", roll(10_000)))" }

    func localWrite(at index: Int) throws {
        let replica = nodes[index].replica
        let customers = try replica.customers(limit: 1_000)
        do {
            let pick = customers.isEmpty ? nil : customers[roll(customers.count)]
            switch (roll(100), pick) {
            case (0..<20, _), (_, nil):
                var fields: [String: FieldValue] = ["lastName": .text(["Berry", "Muñoz", "Nguyen", "Smith"][roll(4)]), "firstName": .text("N\(roll(50))")]
                if chance(50) { fields["email"] = .text("c\(roll(1_000))@example.com") }
                let phones = chance(60) ? [ChildInput(fields: ["number": .text(phoneNumber("010"))])] : []
                let addresses = chance(30) ? [ChildInput(fields: ["street": .text("\(roll(99)) Main St"), "postalCode": .text("62701")])] : []
                try replica.createCustomer(CustomerInput(fields: fields, phones: phones, addresses: addresses, tags: chance(30) ? ["VIP"] : nil))
            case (20..<40, let record?):
                var fields: [String: FieldValue] = [:]
                if chance(60) { fields["notes"] = Self.notes[roll(Self.notes.count)].map(FieldValue.text) ?? .null }
                if chance(40) { fields["occupation"] = Self.occupations[roll(Self.occupations.count)].map(FieldValue.text) ?? .null }
                if chance(30) { fields["leadScore"] = .integer(Int64(roll(100))) }
                if chance(20) { fields["doNotContact"] = .bool(chance(50)) }
                try replica.updateCustomer(id: record.customer.id, CustomerInput(fields: fields))
            case (40..<52, let record?):
                // Child edits (they race deletes of the customer made elsewhere).
                var phones: [ChildInput]?, addresses: [ChildInput]?, tags: [String]?
                if let phone = record.phones.randomElement(using: &random), chance(50) {
                    phones = [ChildInput(id: phone.id, fields: ["number": .text(phoneNumber("020")), "primary": .bool(chance(30))])]
                } else if chance(50) {
                    phones = [ChildInput(fields: ["number": .text(phoneNumber("030"))])]
                }
                if chance(30) { addresses = [ChildInput(fields: ["street": .text("\(roll(99)) Oak Ave"), "postalCode": .text("62702")])] }
                if chance(40) { tags = ["VIP", "fleet", "service-plan"].filter { _ in chance(50) } }
                try replica.updateCustomer(id: record.customer.id, CustomerInput(phones: phones, addresses: addresses, tags: tags))
            case (52..<60, let record?):
                try replica.delete(CRMSchema.customer, id: record.customer.id)
            case (60..<67, _):
                if let deleted = try replica.deletedRowIDs(CRMSchema.customer).randomElement(using: &random) {
                    try replica.restore(CRMSchema.customer, id: deleted)
                }
            case (67..<69, let record?):
                try replica.erase(customer: record.customer.id)
            case (69..<78, let record?):
                let balance = record.loyalty.loyaltyPoints
                if balance > 0 && chance(60) {
                    try CRMService(replica: replica).recordLoyalty(.redeem, points: Int64(1 + roll(Int(balance))), reason: "sim", customer: record.customer.id)
                } else {
                    try CRMService(replica: replica).recordLoyalty(.add, points: Int64(1 + roll(200)), reason: "sim", customer: record.customer.id)
                }
            case (78..<83, let record?):
                if let phone = record.phones.randomElement(using: &random) {
                    try replica.removeChild(CRMSchema.customerPhone, id: phone.id, ofCustomer: record.customer.id)
                }
            case (83..<87, let record?):
                try replica.addInteraction(["customerId": .text(record.customer.id.string), "type": .text("Call"), "subject": .text("sim \(roll(1_000))")])
            case (_, let record?):
                try crmWrite(CRMService(replica: replica), record)
                report.crmWrites += 1
            }
            report.localWrites += 1
        } catch let error as ReplicaError where [.notFound, .gone, .clockSkew, .insufficientPoints, .conflict, .alreadyExists].contains(error.code) {
            report.refusedWrites += 1  // what staff would see as a 404, 410, 503 or 409
        }
        try recordEdits(index)
    }

    /// The rest of the CRM, through the CRM service as staff use it: static segment membership, campaign
    /// executions (the same campaign at several rooftops), survey responses, journey stage changes,
    /// reward redemptions, scheduled interactions, duplicate merges and unmerges.
    func crmWrite(_ crm: CRMService, _ record: CustomerRecord) throws {
        let customer = record.customer.id
        func first(_ entity: EntitySchema) throws -> EntityDocument? { try crm.list(ListQuery(entity, limit: 1)).items.first }
        switch roll(10) {
        case 6..<10 where Self.withoutMerges:
            return
        case 6..<9:
            // A duplicate merge: concurrent and chained ones happen when rooftops merge while partitioned.
            let others = try crm.replica.customers(limit: 1_000).filter { $0.customer.id != customer }
            if let other = others.randomElement(using: &random) {
                _ = chance(50) ? try crm.mergeCustomer(customer, into: other.customer.id, by: "sim") : try crm.mergeCustomer(other.customer.id, into: customer, by: "sim")
                report.merges += 1
            }
        case 9:
            _ = try crm.unmergeCustomer(record.mergedFrom.randomElement(using: &random) ?? customer, by: "sim")
            report.unmerges += 1
        case 0:
            guard let segment = try first(CRMSchema.customerSegment) else {
                _ = try crm.create(CRMSchema.customerSegment, ["name": "sim static", "type": "Static"])
                return
            }
            if segment.row["type"] == .text("Static") {
                _ = chance(60) ? try crm.changeSegmentMembers(id: segment.row.id, add: [customer], remove: [])
                    : try crm.changeSegmentMembers(id: segment.row.id, add: [], remove: [customer])
            }
        case 1:
            guard let campaign = try first(CRMSchema.campaign) else {
                _ = try crm.create(CRMSchema.campaign, ["name": "sim campaign", "type": "Email",
                                                        "targetAudience": ["filterCriteria": ["field": "lastName", "op": "exists", "value": true]]])
                return
            }
            _ = try crm.executeCampaign(id: campaign.row.id)
        case 2:
            var query = ListQuery(CRMSchema.customerSurvey, limit: 1)
            query.filters = [.init("customerId", .text(customer.string))]
            guard let survey = try crm.list(query).items.first else {
                _ = try crm.sendSurvey(surveyType: "NPS", customers: [customer], segment: nil, relatedToType: nil, relatedToId: nil)
                return
            }
            let question = ["0190f0a0-0000-7000-8000-00000000f001", "0190f0a0-0000-7000-8000-00000000f002"][roll(2)]
            _ = try crm.recordSurveyResponse(survey: survey.row.id, answers: [["questionId": .string(question), "score": .number(Double(roll(11)))]],
                                             comments: nil, followUpAssignedTo: nil)
        case 3:
            let stage = JSONValue.string(CRMSchema.journeyStages[roll(CRMSchema.journeyStages.count)])
            if try crm.replica.row(CRMSchema.customerJourney, id: DerivedID.journey(customer: customer)) == nil {
                _ = try crm.create(CRMSchema.customerJourney, ["customerId": .string(customer.string), "stage": stage])
            } else {
                _ = try crm.update(CRMSchema.customerJourney, id: DerivedID.journey(customer: customer), ["stage": stage])
            }
        case 4:
            guard let reward = try first(CRMSchema.loyaltyReward) else {
                _ = try crm.create(CRMSchema.loyaltyReward, ["name": "sim reward", "pointsCost": 50])
                return
            }
            try crm.recordLoyalty(.redeem, points: nil, reason: nil, reward: reward.row.id, customer: customer)
        default:
            var query = ListQuery(CRMSchema.scheduledInteraction, limit: 1)
            query.filters = [.init("customerId", .text(customer.string)), .init("status", .text("Scheduled"))]
            if let open = try crm.list(query).items.first {
                _ = try crm.update(CRMSchema.scheduledInteraction, id: open.row.id, ["status": chance(70) ? "Completed" : "Cancelled"])
            } else {
                _ = try crm.create(CRMSchema.scheduledInteraction, ["customerId": .string(customer.string), "type": "Call",
                                                                    "scheduledFor": "2031-01-01T09:00:00Z", "assignedToId": "0190f0a0-0000-7000-8000-00000000f0aa"])
            }
        }
    }

    /// Records the rooftop's new own changes, and follows earlier ones through its re-stamps.
    func recordEdits(_ index: Int) throws {
        let node = nodes[index]
        let restamps = try node.replica.restampedChanges()
        if restamps.count > node.restampsSeen {
            let mapping = Dictionary(restamps[node.restampsSeen...].map { ($0.old, $0.new) }, uniquingKeysWith: { _, b in b })
            for k in edits.indices where edits[k].origin == node.id {
                if let new = mapping[edits[k].hlc] { edits[k].hlc = new }
            }
            report.restamped += restamps.count - node.restampsSeen
            node.restampsSeen = restamps.count
            node.ownCursor = edits.filter { $0.origin == node.id }.map(\.hlc).max() ?? .zero
        }
        let changes = try node.replica.changeset(origin: node.id, after: node.ownCursor, limit: 100_000).changes
        for change in changes {
            edits.append(Edit(origin: node.id, table: change.table, row: change.rowID, hlc: change.hlc, customer: try customer(of: change, in: node.replica)))
        }
        if let last = changes.last { node.ownCursor = last.hlc }
    }

    func customer(of change: RowChange, in replica: Replica) throws -> RowID? {
        if change.table == CRMSchema.customer.table { return change.rowID }
        guard let entity = CRMSchema.entity(change.table), let parentField = entity.parentField else { return nil }
        if case .text(let text)? = change.fields.first(where: { $0.name == parentField })?.value { return RowID(text) }
        if case .text(let text)? = try replica.storedState(entity, id: change.rowID)?.values[parentField] { return RowID(text) }
        return nil
    }

    // MARK: - the exchange, through the product's client and hub

    func sync(_ index: Int) async {
        let node = nodes[index]
        do {
            let outcome = try await node.client.sync()
            if Self.trace { print("TRACE sync \(node.id): pushed \(outcome.pushed) pulled \(outcome.pulled) restamped \(outcome.restamped) queued \(outcome.queuedForReview)") }
            report.syncs += 1
        } catch let error as SyncError where error.reasonCode == "BEYOND_RETENTION" {
            report.failedSyncs += 1
            await rebootstrap(index)
        } catch {
            if Self.trace { print("TRACE sync \(node.id) failed: \(error)") }
            report.failedSyncs += 1
        }
        do { try recordEdits(index) } catch { report.failures.append("recording \(node.id)'s edits: \(error)") }
    }

    /// After `BEYOND_RETENTION`: `rooftop node rebootstrap`, through the product's code.
    func rebootstrap(_ index: Int) async {
        let node = nodes[index]
        do { try recordEdits(index) } catch { report.failures.append("recording \(node.id)'s edits: \(error)") }
        let id = node.id, clock = node.clock, transport = node.transport
        if Self.trace, let hubHas = try? hub.versionVector()[id], let mine = try? node.replica.changeset(origin: id, after: .zero, limit: 100_000).changes {
            print("TRACE before rebootstrap \(id): hub ignored \((try? hub.ignoredChanges(of: id)) ?? []); hub has \(hubHas); own log \(mine.map { "\($0.hlc)\($0.hlc > hubHas ? "*" : "")" }.suffix(12))")
        }
        do {
            let outcome = try await SyncClient.rebootstrap(node.replica, sidePath: node.path + ".rebootstrap",
                                                           open: { try Replica(path: $0, rooftop: id, wallClock: clock) },
                                                           clientFor: { SyncClient(replica: $0, transport: transport, pageSize: 200) })
            report.rebootstraps += 1
            report.reviewItems += outcome.queued
            if Self.trace { print("TRACE rebootstrap \(id): \(outcome)") }
        } catch {
            if Self.trace { print("TRACE rebootstrap \(id) failed: \(error)") }
            report.failedSyncs += 1  // the old replica is untouched: tried again at a later sync
        }
        node.client = SyncClient(replica: node.replica, transport: node.transport, pageSize: 200)
    }

    /// The network delivers one of this rooftop's earlier pushes again.
    func replayStalePush(_ index: Int) async {
        guard let frame = nodes[index].transport.pushedFrame({ roll($0) }) else { return }
        await nodes[index].transport.redeliver(frame)
        report.duplicates += 1
    }

    func crash(_ index: Int) throws {
        report.crashes += 1
        let node = nodes[index]
        node.replica = try Replica(path: node.path, rooftop: node.id, wallClock: node.clock)
        node.client = SyncClient(replica: node.replica, transport: node.transport, pageSize: 200)
    }

    /// Someone sets a rooftop's clock three years ahead (half the time after a reboot, so its writes
    /// are accepted and stamped in the future); the next episode sets it right again.
    func clockEpisode(_ index: Int) throws {
        let node = nodes[index]
        if node.clockAhead {
            node.clock.set(UInt64(Int64(baseClock.nowMilliseconds()) + node.offset))
            node.clockAhead = false
        } else {
            node.clock.set(baseClock.nowMilliseconds() + 3 * 365 * UInt64(Self.day))
            node.clockAhead = true
            report.clockEpisodes += 1
            if chance(50) { try node.replica.setSyncState(["hubClock": nil]) }  // as after a reboot
        }
    }

    // MARK: - compaction

    static func compact(_ replica: Replica) -> Result<CompactionReport, any Error> {
        Result { try replica.compact(retentionMilliseconds: retention, purgeExpiredTombstones: true) }
    }

    static func sync(_ client: SyncClient) async -> Bool { (try? await client.sync()) != nil }

    /// The hub's compaction; a third of the time two at once (two handles on the file) while a
    /// rooftop syncs.
    func compactHub() async throws {
        report.compactions += 1
        var results: [Result<CompactionReport, any Error>] = []
        if chance(33) {
            let first = hub, second = hubSecondHandle, client = nodes[roll(nodes.count)].client
            async let a = Self.compact(first)
            async let b = Self.compact(second)
            async let synced = Self.sync(client)
            results = [await a, await b]
            if await synced { report.syncs += 1 } else { report.failedSyncs += 1 }
        } else {
            results = [Self.compact(hub)]
        }
        for result in results {
            switch result {
            case .success(let compaction): report.purged += compaction.rowsPurged
            case .failure(let error as ReplicaError) where error.code == .busy: continue  // one at a time, by design
            case .failure(let error): report.failures.append("hub compaction failed: \(error)")
            }
        }
    }

    func compactRooftop(_ index: Int) throws {
        let replica = nodes[index].replica
        let acked = HLC(rawValue: try replica.syncState(SyncStateKeys.hubAcked).flatMap(UInt64.init) ?? 0)
        _ = try replica.compact(retentionMilliseconds: Self.retention, purgeExpiredTombstones: false, ownAcknowledgedThrough: acked)
    }

    // MARK: - a newer release

    /// A rooftop on a newer release (schema 99) edits a customer, with a field this release does not
    /// know: the hub and the rooftops keep and forward it, never refuse or null anything.
    func newerReleasePush() async throws {
        guard let customer = try hub.customers(limit: 200).randomElement(using: &random)?.customer.id else { return }
        futureHLC = max(HLC(milliseconds: baseClock.nowMilliseconds(), counter: 0), HLC(rawValue: futureHLC.rawValue + 1))
        let change = RowChange(table: CRMSchema.customer.table, rowID: customer, hlc: futureHLC, kind: .update, fields: [
            FieldChange("notes", .text("from a newer release")), FieldChange("preferredLanguage", .text("pt")),
        ])
        let frame = try ChangesetCodec.encode(Changeset(schemaVersion: 99, origin: Self.future, changes: [change]))
        let answer = await hubService.respond(to: Self.future, .POST, "changesets", contentType: SyncProtocol.changesetMediaType, body: frame)
        guard answer.status == .ok else {
            report.failures.append("the hub refused a newer release's changeset: \(String(decoding: answer.body, as: UTF8.self))")
            return
        }
        edits.append(Edit(origin: Self.future, table: change.table, row: customer, hlc: change.hlc, customer: customer))
        report.newerSchemaPushes += 1
    }

    // MARK: - healing and checks

    func healAndSettle() async throws {
        for node in nodes {
            node.transport.partitioned = false
            node.transport.lossPercent = 0
            if node.clockAhead { try clockEpisode(node.index) }
        }
        for _ in 0..<12 {
            let before = try hub.versionVector()
            for i in nodes.indices {
                await sync(i)
                if Self.trace { traceMissingEdits(after: "settling: sync of r\(i)"); traceWatchedRow(after: "settling: sync of r\(i)") }
            }
            let held = try hub.versionVector()
            var settled = held == before
            for node in nodes where settled {
                let vector = try node.replica.versionVector()
                let pending = try node.replica.changeCount(origin: node.id, after: held[node.id])
                settled = pending == 0 && held.entries.allSatisfy { vector[$0.key] >= $0.value }
            }
            if settled { return }
        }
        report.failures.append("no quiescence after 12 rounds")
    }

    /// The first row of `table` that differs between the hub and `replica`, both states shown (for replaying a failed seed).
    func firstDifference(_ table: String, _ replica: Replica) throws -> String {
        guard let entity = CRMSchema.entity(table) else { return "" }
        let mine = try hub.bucketDigests(table: table), theirs = try replica.bucketDigests(table: table)
        guard let prefix = Set(mine.keys).union(theirs.keys).sorted().first(where: { mine[$0] != theirs[$0] }) else { return "" }
        let a = try hub.rowDigests(table: table, prefix: prefix), b = try replica.rowDigests(table: table, prefix: prefix)
        guard let row = Set(a.keys).union(b.keys).sorted().first(where: { a[$0] != b[$0] }), let id = RowID(row) else { return "" }
        return ": row \(row)\n    hub:     \(String(describing: try hub.storedState(entity, id: id)))\n    rooftop: \(String(describing: try replica.storedState(entity, id: id)))"
    }

    func check() throws {
        let expected = try hub.digest()
        let expectedConflicts = try hub.conflicts(limit: 100_000)
        report.conflicts = expectedConflicts.count
        for mismatch in try hub.rowsDifferingFromTheirHistory() {
            report.failures.append("hub row differs from the fold of its history: \(mismatch)")
        }
        var reviewed: [RooftopID: Set<String>] = [:]
        let expectedAliases = try hub.customerAliases()
        report.absorbed = expectedAliases.count
        for node in nodes {
            if try node.replica.customerAliases() != expectedAliases {
                report.failures.append("\(node.id) derives different duplicate merges (absorbed -> survivor) than the hub")
            }
            let digest = try node.replica.digest()
            for (a, b) in zip(digest, expected) where a != b {
                report.failures.append("\(node.id) differs from the hub in \(a.table) (\(a.rows) vs \(b.rows) rows)\(try firstDifference(a.table, node.replica))")
            }
            let conflicts = try node.replica.conflicts(limit: 100_000)
            if conflicts != expectedConflicts {
                let extra = conflicts.filter { !expectedConflicts.contains($0) }, missing = expectedConflicts.filter { !conflicts.contains($0) }
                report.failures.append("\(node.id) lists different conflicts than the hub: only here \(extra.prefix(2)), only at the hub \(missing.prefix(2))")
            }
            for mismatch in try node.replica.rowsDifferingFromTheirHistory() {
                report.failures.append("\(node.id) row differs from the fold of its history: \(mismatch)")
            }
            reviewed[node.id] = Set(try node.replica.reviewItems(limit: 100_000).map { "\($0.table)/\($0.rowId)/\($0.hlc)" })
            report.reviewItems += node.transport.ignoredAtHub
        }
        report.outboxMessages = Int(try hub.snapshot { try $0.integer("SELECT count(*) FROM campaignMessage") })
        // No edit is lost: accepted by the hub, in its rooftop's review queue, or about an erased customer.
        let accepted = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.transport.acceptedChanges) })
        let erased = Set(try hub.erasures().map(\.customerId))
        var lost: [String] = []
        for edit in edits {
            if edit.origin == Self.future || accepted[edit.origin]?.contains(edit.hlc) == true
                || reviewed[edit.origin]?.contains("\(edit.table)/\(edit.row)/\(edit.hlc.rawValue)") == true
                || edit.customer.map(erased.contains) == true {
                report.editsAccounted += 1
            } else {
                let node = nodes.first { $0.id == edit.origin }
                let erasedThere = try edit.customer.map { id in try node?.replica.erasures().filter { $0.customerId == id }.map { "\($0)" } ?? [] } ?? []
                let ownKinds = edits.filter { $0.origin == edit.origin && $0.row == edit.row }.map { "\($0.hlc)" }
                lost.append("\(edit.origin) \(edit.table)/\(edit.row) at \(edit.hlc) (erased at its rooftop: \(erasedThere); its edits of the row: \(ownKinds); its review queue: \(reviewed[edit.origin]?.filter { $0.contains(edit.row.string) } ?? []))")
            }
        }
        if !lost.isEmpty { report.failures.append("\(lost.count) edit(s) lost, e.g. \(lost.prefix(3).joined(separator: "; "))") }
    }
}
