import Foundation
import Logging
import RooftopImport
import RooftopModel
import RooftopStore
import ServiceLifecycle

/// A watched folder lead providers drop ADF files into (`rooftop node serve --lead-drop DIR`,
/// `sync-protocol/lead-intake.md`): every file that appears is imported (``LeadImporter``, via
/// `DropFolder`) and moved to `done/` — or to `quarantine/` when nothing in it could be imported (not
/// ADF, or every prospect quarantined) — with `NAME.report.json` beside it.
///
/// Restarts never import a file twice: the import is idempotent (ids derive from the leads), so a
/// file imported just before a crash, and not yet moved, imports as "already imported" on the next
/// pass. Files whose name starts with `.` or ends in `.tmp` or `.part`, files modified in the last
/// second, and files that begin as XML but are cut short and changed in the last minute, are left for a
/// later pass (a provider still writing; best: write elsewhere, then rename into the folder). A file
/// that cannot be stored for any other reason goes to `quarantine/` with the reason, never blocking
/// the files after it.
public struct LeadDropFolder: Service {
    /// What became of one file.
    public struct FileOutcome: Sendable, Equatable {
        /// The file's name as dropped.
        public var file: String
        /// `done` or `quarantine`.
        public var folder: String
        /// Prospects imported, quarantined, and already imported by an earlier pass or import.
        public var leadsImported: Int
        public var quarantined: Int
        public var alreadyImported: Int
        /// Why the file was not ADF (nothing imported), if so.
        public var error: String?
    }

    /// How long a file that is not well-formed XML is left in place (it may still be being written), seconds.
    public static let incompleteGrace: TimeInterval = 60

    let replica: Replica
    let directory: URL
    let interval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - directory: the folder to watch; `done/` and `quarantine/` are created inside it.
    ///   - interval: how often it is looked at (default 1 s).
    public init(replica: Replica, directory: URL, interval: Duration = .seconds(1), logger: Logger) {
        self.replica = replica
        self.directory = directory
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for outcome in try await processReadyFiles() {
                        logger.info("lead file imported", metadata: [
                            "file": "\(outcome.file)", "movedTo": "\(outcome.folder)", "leads": "\(outcome.leadsImported)",
                            "quarantined": "\(outcome.quarantined)", "alreadyImported": "\(outcome.alreadyImported)",
                            "error": "\(outcome.error ?? "-")",
                        ])
                    }
                } catch {
                    logger.error("lead drop folder failed", metadata: ["folder": "\(directory.path)", "error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Imports every ready file once, in name order, and moves it with its report. Files are written
    /// several to a transaction, each in a savepoint (``LeadImporter/importDocuments(_:into:via:perTransaction:groupMilliseconds:each:)``):
    /// a burst of files after an outage no longer rewrites the same pages to the WAL for every file
    /// (2,000 one-lead files on the README's machine: 6.6–8.0 s → 5.6–5.7 s, moves and reports
    /// included), and each file is still whole or not at all, moved only once its transaction committed.
    /// - Parameter settle: files modified less than this long ago (seconds) are left for later.
    /// - Returns: what became of each file processed.
    /// - Throws: when the folder cannot be read or a file cannot be moved; ``ReplicaError`` `BUSY` or
    ///   SQLite's `SQLITE_BUSY` (``ReplicaError/isBusy(_:)``: the file it was for and those after it stay
    ///   where they are and are tried again).
    public func processReadyFiles(settle: TimeInterval = 1) async throws -> [FileOutcome] {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("done"), withIntermediateDirectories: true)
        try fm.createDirectory(at: directory.appendingPathComponent("quarantine"), withIntermediateDirectories: true)
        var ready: [ReadyFile] = []
        for name in try fm.contentsOfDirectory(atPath: directory.path).sorted()
        where !name.hasPrefix(".") && !name.hasSuffix(".tmp") && !name.hasSuffix(".part") {
            let file = directory.appendingPathComponent(name)
            let attributes = try fm.attributesOfItem(atPath: file.path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let modified = attributes[.modificationDate] as? Date
            if let modified, Date().timeIntervalSince(modified) < settle { continue }
            ready.append(ReadyFile(name: name, url: file, modified: modified))
        }
        guard !ready.isEmpty else { return [] }
        let folder = self, files = ready
        return try await replica.perform { replica in try folder.importFiles(files, into: replica) }
    }

    /// A file old enough to be imported.
    struct ReadyFile: Sendable {
        var name: String
        var url: URL
        var modified: Date?
    }

    /// Imports `files` in order, moving each with its report once its transaction committed.
    func importFiles(_ files: [ReadyFile], into replica: Replica) throws -> [FileOutcome] {
        // The first byte of each file read (not whitespace or a byte-order mark): a file cut short is
        // waited for only when it begins as XML.
        var firstBytes = [UInt8?](repeating: nil, count: files.count)
        let loaders = files.indices.map { index in
            { () throws -> Data in
                let data = try ADFParser.readFile(at: files[index].url)
                firstBytes[index] = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
                return data
            }
        }
        var outcomes: [FileOutcome] = []
        try LeadImporter.importDocuments(loaders, into: replica, via: .dropFolder) { index, result in
            if let outcome = try settle(files[index], result, firstByte: firstBytes[index]) { outcomes.append(outcome) }
        }
        return outcomes
    }

    /// Moves one imported file to `done/` or `quarantine/` with its report; nil when it is left for a
    /// later pass (it may still be being written).
    /// - Throws: ``ReplicaError`` `BUSY` (the file stays); file-system errors.
    func settle(_ file: ReadyFile, _ result: Result<ImportReport, any Error>, firstByte: UInt8?) throws -> FileOutcome? {
        var outcome = FileOutcome(file: file.name, folder: "done", leadsImported: 0, quarantined: 0, alreadyImported: 0)
        var report: JSONValue
        switch result {
        case .success(let imported):
            outcome.leadsImported = imported.leads.filter { $0.outcome == "Imported" }.count
            outcome.quarantined = imported.quarantined
            outcome.alreadyImported = imported.alreadyImported
            let anyLead = imported.leads.contains { $0.outcome == "Imported" || ($0.outcome == "AlreadyImported" && $0.customerId != nil) }
            if !anyLead { outcome.folder = "quarantine" }
            report = imported.adfJSON
        case .failure(let error as ADFError):
            // XML cut short, or a file created before its content arrives (an upload that opens the file
            // first), may still be being written: retried until a minute after its last change.
            // (A file over the bound was never read: nothing to wait for.)
            let unread = error.description.hasPrefix("document is larger")
            let mayBeUnfinished = !unread && (firstByte == nil || (firstByte == UInt8(ascii: "<") && error.description.hasPrefix("not well-formed")))
            if mayBeUnfinished, let modified = file.modified, Date().timeIntervalSince(modified) < Self.incompleteGrace { return nil }
            outcome.folder = "quarantine"
            outcome.error = error.description
            report = .object(["error": .string(error.description)])
        case .failure(let error) where ReplicaError.isBusy(error):
            // The database is busy (another process held the write lock past the timeout): the file
            // stays and is tried on the next pass, never quarantined for it.
            throw error
        case .failure(let error):
            // Anything else about this file (it could not be stored): quarantined with the reason, so
            // one file never holds up the ones after it.
            outcome.folder = "quarantine"
            outcome.error = "\(error)"
            report = .object(["error": .string("\(error)")])
        }
        guard case .object(var object) = report else { return nil }
        object["file"] = .string(file.name)
        object["movedTo"] = .string(outcome.folder)
        object["processedAt"] = .string(Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds()))
        let target = Self.freeName(for: file.name, in: directory.appendingPathComponent(outcome.folder))
        let reportData = try JSONValue.object(object).encoded()
        try reportData.write(to: target.deletingLastPathComponent().appendingPathComponent(target.lastPathComponent + ".report.json"))
        try FileManager.default.moveItem(at: file.url, to: target)
        return outcome
    }

    /// `name` in `folder`, or `name-2`, `name-3`, … when taken (the same file name dropped twice).
    static func freeName(for name: String, in folder: URL) -> URL {
        var candidate = folder.appendingPathComponent(name)
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
            candidate = folder.appendingPathComponent("\(base)-\(n)" + (ext.isEmpty ? "" : ".\(ext)"))
            n += 1
        }
        return candidate
    }
}
