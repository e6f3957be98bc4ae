// Benchmarks that print figures (scripts/bench). No pass/fail: targets are read off the output.
import Foundation
import GRDB
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import RooftopWire

/// Writes a line unbuffered, so figures show as they come, also when redirected to a file.
func print(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

SQLiteProcessSettings.apply()  // before any connection opens, the plain baseline's included
let arguments = CommandLine.arguments
let customers = arguments.count > 1 ? Int(arguments[1]) ?? 20_000 : 20_000
/// The sections to run (default all but bootstrap-paged, compaction, search, duplicates and scale): writes, apply, sync, bootstrap, bootstrap-paged (with bootstrap), compaction, search, scale (``ScaleBench``). (`apply` needs `writes`.)
let phases = Set(arguments.dropFirst(2).isEmpty ? ["writes", "apply", "sync", "bootstrap"] : Array(arguments.dropFirst(2)))
let batch = 1_000

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now()
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = DispatchTime.now()
    try await body()
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// User + system CPU time of this process so far, in seconds (getrusage).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func rate(_ n: Int, _ s: Double) -> String { String(format: "%10.0f/s", Double(n) / s) }

print("Rooftop benchmarks — \(customers) generated customers; \(ProcessInfo.processInfo.activeProcessorCount) cores, " +
      "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)")

if phases.contains("scale") {
    try await ScaleBench.run(customers: customers)
    if phases == ["scale"] { exit(0) }
}

if phases.contains("duplicates") {
    try DuplicateBench.run(customers: customers)
    if phases == ["duplicates"] { exit(0) }
}

if phases.contains("leads") {
    try await LeadBench.run(customers: customers)
    if phases == ["leads"] { exit(0) }
}

if phases.contains("search") {
    try SearchBench.run(customers: customers)
    if phases == ["search"] { exit(0) }  // the other sections need the writes below
}

var generator = SyntheticCustomers(seed: 7)
let inputs = (0..<customers).map { generator.customer(index: $0) }
let directory = try TemporaryDirectory("rooftop-bench")
defer { directory.remove() }


// 1. Customer writes: plain SQLite rows vs the replica (same columns, plus HLC stamps and the change log).
//    Three rounds, each writing a new plain file then a new replica (interleaved, so that this machine's
//    speed drifting between runs hits both); each includes a final WAL checkpoint. The median ratio is the figure.
let columns = CRMSchema.customer.fields.map(\.name)
nonisolated(unsafe) var plainConfiguration = Configuration()
// The replica's storage settings (Replica.openPool), so that what differs is the HLC metadata.
plainConfiguration.prepareDatabase { db in
    try db.execute(sql: """
        PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; PRAGMA page_size = 16384; PRAGMA cache_size = -65536;
        PRAGMA wal_autocheckpoint = 4096; PRAGMA journal_size_limit = 67108864
        """)
}
let rowIDs = (0..<customers).map { RowID.v7(milliseconds: 1_796_083_200_000 + UInt64($0 / 10)) }

func writePlain(round: Int) throws -> Double {
    let plain = try DatabasePool(path: directory.path("plain-\(round).sqlite"), configuration: plainConfiguration)
    try plain.write { db in
        try db.execute(sql: "CREATE TABLE customer (id TEXT PRIMARY KEY NOT NULL, \(columns.map { "\"\($0)\"" }.joined(separator: ", "))) WITHOUT ROWID")
        // The same secondary indexes as the replica's customer table: what is measured is the HLC metadata.
        try db.execute(sql: """
            CREATE INDEX customer_lastName ON customer(lastName COLLATE NOCASE, firstName COLLATE NOCASE);
            CREATE INDEX customer_firstName ON customer(firstName COLLATE NOCASE);
            CREATE INDEX customer_businessName ON customer(businessName COLLATE NOCASE);
            CREATE INDEX customer_email ON customer(email);
            """)
    }
    return try seconds {
        for start in stride(from: 0, to: customers, by: batch) {
            try plain.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO customer (id, \(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count)))")
                for i in start..<min(start + batch, customers) {
                    var values: [DatabaseValueConvertible?] = [rowIDs[i].string]
                    for name in columns {
                        switch inputs[i].fields[name] ?? .null {
                        case .text(let t): values.append(t)
                        case .integer(let n): values.append(n)
                        default: values.append(nil)
                        }
                    }
                    try statement.execute(arguments: StatementArguments(values))
                }
            }
        }
        _ = try plain.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }
}

func writeReplica(_ replica: Replica) throws -> Double {
    try seconds {
        for start in stride(from: 0, to: customers, by: batch) {
            try replica.write((start..<min(start + batch, customers)).map { i in
                LocalWrite(.insert, CRMSchema.customer, id: rowIDs[i], values: inputs[i].fields)
            })
        }
        try replica.checkpoint()
    }
}

var writeRounds: [(plain: Double, replica: Double)] = []
var replica: Replica! = nil
for round in 1...3 {
    let plainSeconds = try writePlain(round: round)
    replica = try Replica(path: directory.path("north-\(round).sqlite"), rooftop: RooftopID(rawValue: "north")!)
    writeRounds.append((plainSeconds, try writeReplica(replica)))
}
let medianRound = writeRounds.sorted { $0.replica / $0.plain < $1.replica / $1.plain }[1]
print("\n[writes] \(customers) customer rows in transactions of \(batch), then a WAL checkpoint; 3 rounds")
print("  rounds (replica / plain) \(writeRounds.map { String(format: "%.2f s / %.2f s = %.2fx", $0.replica, $0.plain, $0.replica / $0.plain) }.joined(separator: ", "))")
print("  plain SQLite             \(rate(customers, medianRound.plain))  (\(String(format: "%.2f", medianRound.plain)) s, median round)")
print("  replica (HLC + log)      \(rate(customers, medianRound.replica))  (\(String(format: "%.2f", medianRound.replica)) s)")
print("  overhead (median)        \(String(format: "%.2f", medianRound.replica / medianRound.plain))x   (target ≤ 1.5x)")

if phases.contains("apply") {
// 2. Local apply of a remote changeset, and bytes per field change on the wire.
for start in stride(from: 0, to: customers, by: batch) {
    try replica.write((start..<min(start + batch, customers)).flatMap { i -> [LocalWrite] in
        let writes = try! CRMService(replica: replica).customerCreationWrites(inputs[i], id: rowIDs[i])
        return Array(writes.dropFirst())  // phones and addresses of the customers above
    })
}
var frames: [[UInt8]] = []
var fieldChanges = 0
var cursor = HLC.zero
while true {
    let changeset = try replica.changeset(origin: replica.rooftop, after: cursor, limit: SyncProtocol.changesPerChangeset)
    guard let last = changeset.maxHLC else { break }
    fieldChanges += changeset.fieldChangeCount
    frames.append(try ChangesetCodec.encode(changeset))
    cursor = last
}
let wireBytes = frames.reduce(0) { $0 + $1.count }
// Three runs into three empty replicas (this machine's figures vary from run to run): each is printed, the median is the figure.
var applyRuns: [Double] = [], applyCPU: [Double] = []
for run in 1...3 {
    let hub = try Replica(path: directory.path("hub-\(run).sqlite"), rooftop: .hub)
    let cpuBefore = cpuSeconds()
    applyRuns.append(try seconds {
        for frame in frames { try hub.apply(try ChangesetCodec.decode(frame)) }
        try hub.checkpoint()  // the pages written into the database file, not left in the WAL for later
    })
    applyCPU.append(cpuSeconds() - cpuBefore)
}
if ProcessInfo.processInfo.environment["BENCH_TABLE_SIZES"] != nil {  // where the bytes go (SQLite dbstat)
    let file = try DatabaseQueue(path: directory.path("hub-1.sqlite"))
    try file.read { db in
        for row in try Row.fetchAll(db, sql: "SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(payload) AS payload FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 12") {
            print("    \(row["name"] as String): \(row["pages"] as Int) pages, \(row["bytes"] as Int) bytes, payload \(row["payload"] as Int)")
        }
    }
}
let applySeconds = applyRuns.sorted()[1]
print("\n[apply] \(frames.count) changesets, \(fieldChanges) field changes (decode + merge + log, one transaction each, then a WAL checkpoint), 3 runs")
print("  runs                     \(applyRuns.map { rate(fieldChanges, $0).trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))" +
      "  (CPU \(applyCPU.map { String(format: "%.2f s", $0) }.joined(separator: ", ")) for \(applyRuns.map { String(format: "%.2f s", $0) }.joined(separator: ", ")))")
print("  apply rate (median)      \(rate(fieldChanges, applySeconds))  (target ≥ 300,000/s)")
print("  wire bytes / field change \(String(format: "%9.1f", Double(wireBytes) / Double(fieldChanges))) B  (\(wireBytes) bytes zstd; target < 25 B)")

}

if phases.contains("sync") {
// 3. Sync end to end over mutual TLS on loopback: rooftop → hub (push), hub → rooftop (pull).
let cluster = try await TestCluster(rooftops: ["north", "south"], clock: ManualWallClock(milliseconds: SystemWallClock().nowMilliseconds()))
let north = try Replica(path: cluster.directory.path("north-sync.sqlite"), rooftop: RooftopID(rawValue: "north")!)
for start in stride(from: 0, to: customers, by: batch) {
    try north.write((start..<min(start + batch, customers)).flatMap { i in try CRMService(replica: north).customerCreationWrites(inputs[i], id: rowIDs[i]) })
}
let south = try Replica(path: cluster.directory.path("south-sync.sqlite"), rooftop: RooftopID(rawValue: "south")!)
var pushReport = SyncReport(), pullReport = SyncReport()
let pushSeconds = try await seconds { pushReport = try await cluster.sync(north) }
// Changesets, as every sync after a rooftop's first (a new rooftop would start from the hub's snapshot: see bootstrap).
let pullSeconds = try await seconds { pullReport = try await cluster.sync(south, snapshotThreshold: nil) }
let syncedFields = try north.changeset(origin: north.rooftop, after: .zero, limit: Int.max).fieldChangeCount
print("\n[sync] \(pushReport.pushed) row changes, \(syncedFields) field changes, HTTPS + mutual TLS on loopback")
print("  push rooftop → hub       \(rate(syncedFields, pushSeconds))")
print("  pull hub → rooftop       \(rate(syncedFields, pullSeconds))  (target ≥ 100,000/s end to end)")
print("  rooftop → hub → rooftop  \(rate(syncedFields, pushSeconds + pullSeconds))")
print("  digests equal            \(try north.digest() == south.digest() && south.digest() == cluster.hubReplica.digest())  (pulled \(pullReport.pulled))")
await cluster.shutdown()

}

if phases.contains("bootstrap") || phases.contains("bootstrap-paged") {
// 4. Bootstrap of a new rooftop from the hub (customers with phones, addresses, a vehicle each and
//    10 interactions each), and resuming after a kill at 50% (simulated: the first half of the changesets applied).
let bootstrapCustomers = customers
let interactionsPerCustomer = 10
let origin = try await TestCluster(rooftops: ["north", "south", "east", "west"], clock: ManualWallClock(milliseconds: SystemWallClock().nowMilliseconds()))
let source = try Replica(path: origin.directory.path("north-boot.sqlite"), rooftop: RooftopID(rawValue: "north")!)
var interactionNumber = 0
for start in stride(from: 0, to: bootstrapCustomers, by: batch) {
    try source.write((start..<min(start + batch, bootstrapCustomers)).flatMap { i -> [LocalWrite] in
        var writes = try CRMService(replica: source).customerCreationWrites(inputs[i % inputs.count], id: rowIDs[i % rowIDs.count])
        // Their vehicle, and the ownership link.
        let vehicle = source.newRowID()
        writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: vehicle, values: [
            "vin": .text(generator.vin()), "year": .integer(2015 + Int64(i % 11)), "make": .text(["Toyota", "Ford", "Honda", "Subaru"][i % 4]),
            "model": .text(["Camry", "F-150", "Civic", "Outback"][i % 4]), "condition": .text(i % 3 == 0 ? "New" : "Used"),
            "odometer": .integer(Int64(i % 90_000)), "odometerUnits": .text("mi"),
        ]))
        writes.append(LocalWrite(.insert, CRMSchema.customerVehicle, id: source.newRowID(), values: [
            "customerId": .text(rowIDs[i % rowIDs.count].string), "vehicleId": .text(vehicle.string),
            "relationshipType": .text("Owner"), "purchaseType": .text(i % 3 == 0 ? "New" : "Used"),
        ]))
        for k in 0..<interactionsPerCustomer {
            interactionNumber += 1
            writes.append(LocalWrite(.insert, CRMSchema.customerInteraction, id: source.newRowID(), values: [
                "customerId": .text(rowIDs[i % rowIDs.count].string), "type": .text(["Call", "Email", "In-Person", "Web"][k % 4]),
                "direction": .text("Inbound"), "subject": .text("Interaction \(interactionNumber)"),
                "interactionDate": .text(Timestamp.string(milliseconds: 1_790_000_000_000 + UInt64(interactionNumber) * 60_000)),
            ]))
        }
        return writes
    })
}
try await origin.sync(source)
let totalChanges = try origin.hubReplica.changeCount(origin: RooftopID(rawValue: "north")!, after: .zero)
let fresh = try Replica(path: origin.directory.path("south-boot.sqlite"), rooftop: RooftopID(rawValue: "south")!)
var bootReport = SyncReport()
let bootSeconds = try await seconds { bootReport = try await origin.sync(fresh) }
print("\n[bootstrap] \(bootstrapCustomers) customers (+ phones, addresses, vehicles) and \(interactionNumber) interactions: \(totalChanges) row changes")
print("  new rooftop bootstrap    \(String(format: "%.1f", bootSeconds)) s  (\(rate(totalChanges, bootSeconds)) row changes; target: 100k customers + 1M interactions < 30 s)")
print("    from the hub's snapshot: \(bootReport.snapshotBytes) bytes (zstd) for \(bootReport.pulled) changes, \(String(format: "%.1f", Double(bootReport.snapshotBytes) / Double(max(1, bootReport.pulled)))) B per row change")
print("  identical to the hub     \(try fresh.digest() == origin.hubReplica.digest())  (pulled \(bootReport.pulled))")
// Resume: a rooftop whose snapshot download was killed at 50% (the client stops once half the
// bytes are on disk, as a kill would leave them), then syncs.
let half = try Replica(path: origin.directory.path("east-boot.sqlite"), rooftop: RooftopID(rawValue: "east")!)
let resumeClient = try origin.client(for: half)
let partial = try await resumeClient.downloadSnapshot(stoppingAfter: max(1, bootReport.snapshotBytes / 2))
var resumeReport = SyncReport()
let resumeSeconds = try await seconds { resumeReport = try await resumeClient.sync() }
try await resumeClient.shutdown()
let kept = partial.map { $0.resumedFromBytes + $0.receivedBytes } ?? 0
print("  resume after a kill at \(100 * kept / max(1, bootReport.snapshotBytes))%  kept \(resumeReport.snapshotResumedBytes) bytes, downloaded \(resumeReport.snapshotBytes) of \(bootReport.snapshotBytes) in \(String(format: "%.1f", resumeSeconds)) s; re-downloaded \(max(0, resumeReport.snapshotBytes + kept - bootReport.snapshotBytes)) bytes")
print("  identical after resume   \(try half.digest() == origin.hubReplica.digest())")
if phases.contains("bootstrap-paged") {
    // The same bootstrap replaying every change (what an older hub, or `rooftop sync --no-snapshot`, does).
    let paged = try Replica(path: origin.directory.path("west-boot.sqlite"), rooftop: RooftopID(rawValue: "west")!)
    var pagedReport = SyncReport()
    let pagedSeconds = try await seconds { pagedReport = try await origin.sync(paged, snapshotThreshold: nil) }
    print("  paged bootstrap (changesets, no snapshot)  \(String(format: "%.1f", pagedSeconds)) s  (\(rate(pagedReport.pulled, pagedSeconds)) row changes)")
}
await origin.shutdown()
}

// 6. Compaction: every customer (with its phones and addresses) deleted, then purged past the retention
//    horizon; how long it takes and how much of the file goes back to the file system (incremental vacuum).
if phases.contains("compaction") {
    let clock = ManualWallClock()
    let path = directory.path("compaction.sqlite")
    let replica = try Replica(path: path, rooftop: .hub, wallClock: clock)
    var ids: [RowID] = []
    for input in inputs { ids.append(try replica.createCustomer(input)) }
    clock.advance(by: 1_000)
    for id in ids { try replica.delete(CRMSchema.customer, id: id) }
    try replica.checkpoint()
    func bytes(_ suffix: String) -> Double { Double((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int64) ?? 0) / 1e6 }
    let (before, walBefore) = (bytes(""), bytes("-wal"))
    clock.advance(by: 91 * 86_400_000)
    var report = CompactionReport()
    let elapsed = try seconds { report = try replica.compact(purgeExpiredTombstones: true) }
    print(String(format: "compaction: %d customers deleted then purged (%d rows with their children) in %.2f s; replica file %.1f MB -> %.1f MB (%.1f MB returned by incremental vacuum), WAL %.1f MB -> %.1f MB",
                 customers, report.rowsPurged, elapsed, before, bytes(""), Double(report.bytesReturned) / 1e6, walBefore, bytes("-wal")))
    try replica.close()
}
