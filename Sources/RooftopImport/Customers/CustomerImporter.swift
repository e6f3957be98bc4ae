import CSV
import Foundation
import RooftopCRM
import RooftopModel
import RooftopStore

/// Imports customers from a CSV or JSON Lines file row by row, in constant memory whatever the
/// file size.
///
/// - **Formats** (``format``): CSV with a header row (``CSVCustomerRows``: columns named like the
///   design document's fields, or mapped with `column=field` pairs (`First Name=firstName`); other
///   columns are ignored and listed in the report; one phone and one address per row), or JSON Lines
///   (``JSONLinesCustomerRows``: one `Customer` object per line, every phone, address, tag and
///   consent flag; what `rooftop export customers --format jsonl` writes, so export → import is
///   lossless).
/// - **Whole rows**: each row is validated as the REST API validates a customer (E.164 phones,
///   e-mails, dates); a row with an invalid value is not written and is reported with its line number
///   and reason (`line 12: /email: not an e-mail address`); the others are.
/// - **Re-runnable**: a row is its own `id`'s customer (an exported file), else the customer this
///   rooftop's ledger of imported rows maps its `externalId` to (a new customer gets a UUIDv7, in write
///   order), else the one whose id derives from its content (`sync-protocol/import-ids.md`), so running
///   the same file again, or again after an interruption, writes nothing twice (`alreadyImported`). A customer already here is counted, never changed; a row of a customer
///   erased here is rejected, never brought back.
/// - Rows are written in transactions of `batchSize`: an interruption loses at most the batch in flight.
/// - **No second customer**: a row that confidently duplicates a customer already in the replica (or
///   an earlier row) attaches to it: nothing is written, `customersMatched` counts it and `matches` names
///   its line and the customer. The check's
///   model is estimated for the population the import makes (a first pass samples the file).
public struct CustomerImporter {
    /// The fields a column can map to.
    public static let fields = CSVCustomerRows.fields

    public let replica: Replica
    /// The input's format (default CSV; ``CustomerFileFormat/implied(byPath:)`` names it by a file's extension).
    public var format = CustomerFileFormat.csv
    /// Column name in the file → field.
    public var mapping: [String: String] = [:]
    public var batchSize = 1_000
    /// Attach rows that confidently duplicate an existing customer (or an earlier row) instead of
    /// creating them (default true; `rooftop import customers --no-duplicate-check` turns it off for
    /// a first load into an empty replica).
    public var checkDuplicates = true
    /// The system whose keys the file's `externalId` column holds (CSV; `rooftop import customers
    /// --external-system`, REST `externalSystem=`). A key names a customer within this system's
    /// namespace at this rooftop (the ledger of imported rows, `sync-protocol/import-ids.md`): two
    /// systems' `rec-1` are two customers. Default nil: the namespace of every file
    /// imported without one. A row whose `externalId` was imported before from another row (another
    /// system numbering the same way) is rejected with its line, never silently counted as imported.
    public var externalSystem: String?
    /// The longest ``externalSystem`` name (characters); letter case and surrounding spaces aside
    /// (`DMS-B` and `dms-b` are one system).
    public static let externalSystemMaximumLength = 200

    /// What is wrong with `name` as an ``externalSystem`` (the CLI and REST check it before reading
    /// a file), or nil: 1 to ``externalSystemMaximumLength`` characters once surrounding spaces are
    /// trimmed, none a control character (Unicode category Cc) or U+FFFD (what bytes that were not
    /// UTF-8 decode to).
    public static func externalSystemProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...externalSystemMaximumLength).contains(trimmed.count) else { return "expected a name of 1 to \(externalSystemMaximumLength) characters" }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{FFFD}" }) else {
            return "expected a name without control characters or bytes that are not UTF-8"
        }
        return nil
    }

    /// ``externalSystemProblem(_:)`` as a JSON Schema `pattern` (ECMA-262): a character that is not
    /// white space, none a control character or U+FFFD.
    public static let externalSystemPattern = "^[^\\x00-\\x1F\\x7F-\\x9F\\uFFFD]*[^\\s\\x00-\\x1F\\x7F-\\x9F\\uFFFD][^\\x00-\\x1F\\x7F-\\x9F\\uFFFD]*$"

    /// The customer an import at this rooftop made of the CSV row keyed `externalId` under
    /// ``externalSystem`` (`sync-protocol/import-ids.md`), or nil when none did.
    /// - Throws: database errors.
    public func importedCustomerID(externalId: String) throws -> RowID? {
        // (The hash is not read: only the key finds the customer.)
        let keyed = ExternalKey(externalId: externalId, system: externalSystem, rooftop: replica.rooftop.rawValue, contentHash: Data())
        return try replica.snapshot { try Self.imported(keyed, $0)?.customerId }
    }

    /// The customer an import here made of a row keyed `keyed`, with the hash of that row (nil when
    /// not known: the customer was erased or purged, or imported before the ledger): the ledger's
    /// entry of its key; else of the key the row had before the rooftop was part of it; else the
    /// customer whose id is the key's id, as imports before migration v25 made it (also what a
    /// replica rebuilt from the hub, without its ledger, has of this rooftop's earlier imports);
    /// else an erased customer whose id is the earlier key's (erased before v25, which deleted its
    /// ledger entry: never brought back).
    /// - Throws: database errors.
    static func imported(_ keyed: ExternalKey, _ tx: StoreTransaction) throws -> StoreTransaction.ImportedKey? {
        if let entry = try tx.importedKey(keyed.keyID) { return entry }
        let earlier = keyed.earlierID
        if let entry = try tx.importedKey(earlier) { return entry }
        if try tx.isKnown(CRMSchema.customer, id: keyed.keyID) { return StoreTransaction.ImportedKey(customerId: keyed.keyID, contentHash: nil) }
        return try tx.isErased(customer: earlier) ? StoreTransaction.ImportedKey(customerId: earlier, contentHash: nil) : nil
    }

    /// An importer into `replica`; `mapping` maps file columns to ``fields``.
    /// - Throws: ``CustomerImportError`` when a mapping names a field that is not one of ``fields``.
    public init(replica: Replica, mapping: [String: String] = [:]) throws(CustomerImportError) {
        for (column, field) in mapping where !Self.fields.contains(field) {
            throw CustomerImportError("map \(column)=\(field): \(field) is not a customer field (one of \(Self.fields.joined(separator: ", ")))")
        }
        self.replica = replica
        self.mapping = mapping
    }

    /// Load in bulk when the replica can be had to itself (no node or other process has it open;
    /// ``Replica/bulkLoad(deferring:rebuilding:_:)``): transactions of ``bulkBatchSize`` rows, and
    /// the indexes nothing reads during the import built at its end. Default false (the REST import
    /// runs inside the node); the CLI import sets it.
    public var bulkLoad = false

    /// A bulk load only when the first pass estimates at least this many rows not imported before
    /// (default ``bulkBatchSize``): dropping and building again the indexes of the whole replica costs
    /// more than a smaller import saves (a rerun's attached rows count: they are checked again).
    public var bulkLoadMinimumRows = Self.bulkBatchSize

    /// The input's data lines when the caller counted them (the CLI does, for its progress bar):
    /// without the duplicate check's first pass, what decides a bulk load (``bulkLoadMinimumRows``).
    public var dataLines: Int?

    /// Called after the first pass, as the duplicate check's model is estimated from its sample.
    public var estimatingModel: () -> Void = {}

    /// Called, in a bulk load, before the indexes left to the end are built.
    public var rebuildingIndexes: () -> Void = {}

    /// Called during the first pass over the file (only with ``checkDuplicates``) with the data
    /// rows read so far; the import's own pass then reports through `progress`.
    public var samplingProgress: ((Int) -> Void)?

    /// Asked after each chunk of rows is written (a bulk load's thousand, else a batch), every 1,000
    /// rows of the first pass and before the import's pass: true stops the import there (the CLI's
    /// Ctrl-C). The transaction holding the chunks written so far commits, and the report says how
    /// many data rows are in (``ImportReport/stoppedAfterRows``; 0 when stopped before the import's
    /// pass). A stop after the last chunk is no stop. A bulk load still builds its indexes.
    public var shouldStop: () -> Bool = { false }

    /// Imports the file at `path`.
    ///
    /// With ``checkDuplicates`` the file is read twice: once for a sample of its rows, from
    /// which (with the customers already here) the duplicate check's model learns how common each
    /// name, e-mail and phone will be (``CRMService/duplicateModel(importing:incomingCount:)``),
    /// then to import.
    /// - Parameter progress: called with 0 as the import's pass begins, then every 1,000 rows (every batch, when smaller) with the
    ///   data rows done so far (checked, and written or counted).
    /// - Returns: the report: created, already imported, every rejected line with its reason.
    /// - Throws: ``CustomerImportError`` when the file cannot be read, or is not CSV with a header
    ///   naming at least one field (nothing imported), or fails midway (the lines before it are
    ///   imported); replica errors (the batch in flight is not written).
    public func importFile(at path: String, progress: (Int) -> Void = { _ in }) throws -> ImportReport {
        try importStreams(name: path, open: { InputStream(fileAtPath: path) }, progress: progress)
    }

    /// Imports bytes held in memory in ``format`` (the REST import of a few thousand rows).
    /// - Parameter name: how errors name the input (`the body`).
    /// - Returns, Throws: as ``importFile(at:progress:)``.
    public func importData(_ data: Data, name: String) throws -> ImportReport {
        try importStreams(name: name, open: { InputStream(data: data) }, progress: { _ in })
    }

    /// A sample of the input's valid rows not imported before, and an estimate of how many such rows
    /// the input holds: one row in `stride` by a hash of its id, a keyed row's by its key's id
    /// (``CustomerRow/identity(_:_:)``, ``CRMService/isSampled(_:step:)``),
    /// `stride` doubling to keep at most ``CRMService/importModelSampleSize``. Not every `stride`-th
    /// row: a file often lists a person's records next to each other, and such a sample would hold no
    /// pair of them. Only the rows the hash picks are looked up in the replica (a rerun's rows are
    /// already its customers): the share of them found there scales the count, exact while every
    /// row is picked.
    /// - Returns: nil when asked to stop (``shouldStop``).
    func sample(_ pass: inout any CustomerRowSource) throws -> (inputs: [MatchInput], rows: Int)? {
        let cap = CRMService.importModelSampleSize
        var sample: [MatchInput] = [], stride = 1, seen = Set<RowID>()
        var valid = 0, picked = 0, pickedKnown = 0
        while let row = pass.next() {
            if case .customer(let id, let input, _, let keyed) = row {
                valid += 1
                // A keyed row's new id differs at every run: its key's id picks it.
                let identity = CustomerRow.identity(id, keyed)
                if CRMService.isSampled(identity.string, step: stride), seen.insert(identity).inserted {
                    picked += 1
                    let known = try keyed.map { keyed in try replica.snapshot { try Self.imported(keyed, $0) != nil } }
                        ?? replica.isKnown(CRMSchema.customer, id: id)
                    if known {
                        pickedKnown += 1
                    } else {
                        sample.append(CRMService.matchInput(input, id: identity.string))
                        if sample.count > cap {
                            stride *= 2
                            sample.removeAll { !CRMService.isSampled($0.id, step: stride) }
                        }
                    }
                }
            }
            if pass.rows % batchSize == 0 { samplingProgress?(pass.rows) }
            if pass.rows % 1_000 == 0, shouldStop() { return nil }
        }
        try pass.checkEnd(importing: false)
        samplingProgress?(pass.rows)
        let newShare = picked == 0 ? 1 : Double(picked - pickedKnown) / Double(picked)
        return (sample, Int((Double(valid) * newShare).rounded()))
    }

    /// A phone's or address's id in a row, with its JSON Pointer.
    struct ChildID {
        let id: RowID
        let pointer: String
        let entity: EntitySchema
    }

    static func childIDs(_ input: CustomerInput) -> [ChildID] {
        (input.phones ?? []).enumerated().compactMap { i, phone in phone.id.map { ChildID(id: $0, pointer: "/phoneNumbers/\(i)/id", entity: CRMSchema.customerPhone) } }
            + (input.addresses ?? []).enumerated().compactMap { i, address in address.id.map { ChildID(id: $0, pointer: "/addresses/\(i)/id", entity: CRMSchema.customerAddress) } }
    }

    /// The rows of `stream` in ``format``.
    private func rowSource(_ stream: InputStream?, name path: String) throws -> any CustomerRowSource {
        switch format {
        case .csv:
            let clock = replica.wallClock
            return try CSVCustomerRows(stream, name: path, mapping: mapping, externalSystem: externalSystem, rooftop: replica.rooftop.rawValue,
                                       newID: { RowID.v7(milliseconds: clock.nowMilliseconds()) })
        case .jsonl:
            guard mapping.isEmpty else { throw CustomerImportError("a column mapping (map column=field) maps CSV columns: a JSON Lines file names the fields themselves") }
            guard externalSystem == nil else { throw CustomerImportError("an external system names the system of a CSV's externalId column: JSON Lines carries ids") }
            return try JSONLinesCustomerRows(stream, name: path)
        }
    }

    /// Imports what `open` reads (opened once more for the sample when checking duplicates); `name`
    /// names the input in errors.
    func importStreams(name path: String, open: () -> InputStream?, progress: (Int) -> Void) throws -> ImportReport {
        guard batchSize > 0 else { throw CustomerImportError("batch size \(batchSize): expected at least 1 row") }
        if let problem = externalSystem.flatMap(Self.externalSystemProblem) { throw CustomerImportError("external system: " + problem) }
        try ImportFileCheck.check(open(), name: path, format: format)
        var pass = try rowSource(open(), name: path)
        var report = ImportReport()
        report.ignoredColumns = pass.ignoredColumns
        let service = CRMService(replica: replica)
        // A row that confidently duplicates a customer already here (or earlier in the file) attaches
        // to it: nothing is written, and the report counts it (`sync-protocol/duplicate-detection.md#on-the-way-in`).
        // The model counts the file's names with the replica's: a first load must not read each as rare.
        var model: MatchModel?
        var newRows: Int?
        if checkDuplicates {
            guard let (sample, rows) = try self.sample(&pass) else {
                report.stoppedAfterRows = 0
                return report
            }
            estimatingModel()
            model = try service.duplicateModel(importing: consume sample, incomingCount: rows)
            newRows = rows
            pass = try rowSource(open(), name: path)
        }
        if shouldStop() {  // during the model's estimate: no indexes dropped and built for nothing
            report.stoppedAfterRows = 0
            return report
        }
        // A rerun, or a small file, writes fewer rows than building the replica's indexes again costs:
        // no bulk load for it (the rows the sample did not pick are still checked and written).
        guard bulkLoad, (newRows ?? dataLines ?? .max) >= bulkLoadMinimumRows else {
            return try importPass(pass, report, model: model, service: service, batchSize: batchSize, chunkSize: batchSize, progress: progress)
        }
        let deferring = checkDuplicates ? Replica.deferredByACheckedLoad : Replica.deferredByAnUncheckedLoad
        return try replica.bulkLoad(deferring: deferring, rebuilding: rebuildingIndexes) { exclusive in
            // With the replica to itself, a transaction may wait for the rows being read: it holds
            // many chunks. Beside a node, a batch is read whole before its transaction begins.
            try importPass(pass, report, model: model, service: service, batchSize: exclusive ? max(batchSize, Self.bulkBatchSize) : batchSize,
                           chunkSize: exclusive ? min(batchSize, Self.chunkSize) : batchSize, progress: progress)
        }
    }

    /// A keyed row whose `externalId` names a customer made from another row.
    static func keyTaken(_ keyed: ExternalKey, earlier: String, hint: String? = nil) -> FieldInputError {
        FieldInputError(pointer: "/externalId", reason: "\(keyed.externalId) was \(earlier) with other values: not written" + (hint.map { ". " + $0 } ?? ""))
    }

    /// What a row whose key was imported before from other values is told to do.
    var keyTakenHint: String {
        "An import never changes a customer. " + (externalSystem.map { "This import names its system \($0): a file from yet another system needs a name of its own" }
            ?? "A file from another system that numbers its customers the same way: name that system (--external-system NAME; REST externalSystem=NAME)")
    }

    /// Rows a transaction holds in a bulk load (``bulkLoad``, with the replica to itself): a page of an
    /// index takes many rows before it is written, not one or two.
    public static let bulkBatchSize = 20_000

    /// Rows a chunk of a bulk load holds: read on one thread while the chunk before is written.
    static let chunkSize = 1_000

    /// What a failure to read the input midway says of what was imported.
    static let failedMidway = "; the batches committed before it stay imported (the batch in flight was not written): "
        + "run the import again to finish it (rows already imported are not written twice)"

    /// The import's pass: rows written whole, in transactions of `batchSize` rows, read `chunkSize`
    /// rows ahead on another thread (``ReadAhead``).
    private func importPass(_ pass: consuming any CustomerRowSource, _ report: ImportReport, model: MatchModel?, service: CRMService,
                            batchSize: Int, chunkSize: Int, progress: (Int) -> Void) throws -> ImportReport {
        var report = report
        progress(0)
        // What the writer needs of the source: a value of its settings, not its reader.
        let storedInput = pass.storedInput
        try ReadAhead.reading(pass, batchSize: batchSize, chunkSize: chunkSize, service: service) { reader in
            // The data rows whose outcome the report holds: every batch up to them committed.
            var rowsDone = 0, stopped = false
            while !stopped, let first = try reader.next() {
                // Asked while rows remain to write (a stop after the last row is no stop).
                if !first.rows.isEmpty, shouldStop() {
                    report.stoppedAfterRows = rowsDone
                    break
                }
                guard !first.rows.isEmpty || !first.endsBatch else {
                    report.alreadyImported += first.repeated
                    report.rejected += first.rejected.map(\.reason)  // already in line order
                    progress(first.rowsRead)
                    rowsDone = first.rowsRead
                    continue
                }
                // A batch's chunks in one transaction: its outcome counts once it is committed. Each
                // chunk is let go once written (the transaction does not hold the first for its length).
                var carried: ReadChunk? = first
                let outcome = try replica.transaction { tx in
                    var outcome = BatchOutcome(), next = carried
                    carried = nil
                    while let chunk = next {
                        next = nil
                        try write(chunk, storedInput: storedInput, model: model, tx, into: &outcome)
                        progress(chunk.rowsRead)
                        outcome.rowsRead = chunk.rowsRead
                        if chunk.endsBatch { break }
                        next = try reader.next()
                        // Asked to stop with rows left: the chunks written so far commit (a bulk load's
                        // batch is 20,000 rows; a chunk is 1,000).
                        if let next, !next.rows.isEmpty, shouldStop() {
                            stopped = true
                            break
                        }
                    }
                    return outcome
                }
                rowsDone = outcome.rowsRead
                if stopped { report.stoppedAfterRows = rowsDone }
                report.customersCreated += outcome.created
                report.alreadyImported += outcome.known
                report.customersMatched += outcome.matched.count
                report.matches += outcome.matched
                report.differing += outcome.differing
                // In line order with the rows rejected as they were read (a reader sees the file top down).
                report.rejected += outcome.rejected.sorted { $0.line < $1.line }.map(\.reason)
            }
        }
        return report
    }

    /// What a batch's transaction did, counted into the report once it is committed.
    private struct BatchOutcome {
        var created = 0, known = 0, rowsRead = 0
        var matched: [ImportedMatch] = [], rejected: [(line: Int, reason: String)] = [], differing: [DifferingRow] = []
    }

    /// Writes a chunk of rows in its batch's transaction `tx`, adding what it did to `outcome`:
    /// whether each row was imported before is read for the chunk at once, not per row.
    private func write(_ chunk: ReadChunk, storedInput: (CustomerRecord) -> CustomerInput?, model: MatchModel?, _ tx: StoreTransaction,
                       into outcome: inout BatchOutcome) throws {
        outcome.known += chunk.repeated
        outcome.rejected += chunk.rejected
        let rows = chunk.rows
        guard !rows.isEmpty else { return }
        // Without the check no row reads what an earlier one wrote: the chunk's rows are
        // written 3,000 writes a call (the clock, version vector and merge checks once a
        // call, not per row; what a call returns is held until it ends).
        var unchecked: [LocalWrite] = []
        // Whether each row's customer is here (visible, deleted or purged), read once; a keyed row's
        // new id never is (its key is looked up in the ledger below).
        let here = try rows.map { try $0.keyed == nil && tx.isKnown(CRMSchema.customer, id: $0.id) }
        // The customers here that the chunk's own-id rows name (an export run again), read at
        // once: each such row is compared with its customer.
        var storedRecords: [RowID: CustomerRecord] = [:]
        let ownIDs = rows.indices.filter { rows[$0].ownID && here[$0] }.map { rows[$0].id }
        if !ownIDs.isEmpty {
            for record in try tx.customers(ids: ownIDs) where record.mergedInto == nil {
                storedRecords[record.customer.id] = record
            }
        }
        rows: for (index, row) in rows.enumerated() {
            let (line, id, input, keyed) = (row.line, row.id, row.input, row.keyed)
            let exists = here[index]
            // A keyed row's customer, when an import here made one of its key (`sync-protocol/import-ids.md`).
            let earlier = try keyed.flatMap { try Self.imported($0, tx) }
            if exists || earlier != nil {
                let customer = earlier?.customerId ?? id
                if try tx.isErased(customer: customer) {
                    // Never brought back, and said so: not counted as imported.
                    outcome.rejected.append((line, "line \(line): customer \(customer.string) was erased (a DSAR erasure): not imported again"))
                    continue
                }
                // A customer's own row (an export) edited since: said so, and left as it is.
                if row.ownID, let record = storedRecords[id],
                   let stored = storedInput(record), stored.contentHash != input.contentHash {
                    outcome.differing.append(DifferingRow(line: line, customerId: id.string))
                }
                // The same key from another row: another system's numbering, not this row again.
                if let keyed, let stored = earlier?.contentHash, stored != keyed.contentHash {
                    outcome.rejected.append((line, Self.keyTaken(keyed, earlier: "imported before (customer \(customer.string))", hint: keyTakenHint).reported(line: line)))
                } else {
                    outcome.known += 1
                }
                continue
            }
            // A phone or address id another customer holds (a file from before a merge moved
            // it): this row is rejected, not the batch.
            for child in row.children where try tx.isKnown(child.entity, id: child.id) {
                outcome.rejected.append((line, FieldInputError(pointer: child.pointer, reason: "a phone or address with this id already exists here (another customer's)")
                    .reported(line: line)))
                continue rows
            }
            // A row naming its own customer id is that customer, restored as it was; another
            // row that confidently duplicates a customer is attached to it.
            if !row.ownID, let model, let match = try CRMService.duplicates(of: input, model: model, tx).first(where: \.isConfident) {
                outcome.matched.append(ImportedMatch(line: line, customerId: match.customerId, probability: match.score.probability))
                continue
            }
            if model == nil {
                unchecked += row.writes
                if unchecked.count >= 3_000 { _ = try tx.write(unchecked); unchecked.removeAll(keepingCapacity: true) }
            } else {
                _ = try tx.write(row.writes)
            }
            if let keyed { try tx.recordImportedRow(key: keyed.keyID, customer: id, contentHash: keyed.contentHash) }
            outcome.created += 1
        }
        if !unchecked.isEmpty { _ = try tx.write(unchecked) }
    }
}

/// A customer file cannot be imported as asked; the message is one line for the CLI.
public struct CustomerImportError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
