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

    /// Imports every ready file once, in name order, and moves it with its report.
    /// - Parameter settle: files modified less than this long ago (seconds) are left for later.
    /// - Returns: what became of each file processed.
    /// - Throws: when the folder cannot be read or a file cannot be moved; a database error (the
    ///   file stays where it is and is tried again).
    public func processReadyFiles(settle: TimeInterval = 1) async throws -> [FileOutcome] {
        let fm = FileManager.default
        let done = directory.appendingPathComponent("done"), quarantine = directory.appendingPathComponent("quarantine")
        try fm.createDirectory(at: done, withIntermediateDirectories: true)
        try fm.createDirectory(at: quarantine, withIntermediateDirectories: true)
        let names = try fm.contentsOfDirectory(atPath: directory.path).sorted()
        var outcomes: [FileOutcome] = []
        for name in names where !name.hasPrefix(".") && !name.hasSuffix(".tmp") && !name.hasSuffix(".part") {
            let file = directory.appendingPathComponent(name)
            let attributes = try fm.attributesOfItem(atPath: file.path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            if let modified = attributes[.modificationDate] as? Date, Date().timeIntervalSince(modified) < settle { continue }
            var data = Data()
            var outcome = FileOutcome(file: name, folder: "done", leadsImported: 0, quarantined: 0, alreadyImported: 0)
            var report: JSONValue
            do {
                data = try ADFParser.readFile(at: file)
                let document = data
                let imported = try await replica.perform { replica in try LeadImporter.importDocument(document, into: replica, via: .dropFolder) }
                outcome.leadsImported = imported.leads.filter { $0.outcome == "Imported" }.count
                outcome.quarantined = imported.quarantined
                outcome.alreadyImported = imported.alreadyImported
                let anyLead = imported.leads.contains { $0.outcome == "Imported" || ($0.outcome == "AlreadyImported" && $0.customerId != nil) }
                if !anyLead { outcome.folder = "quarantine" }
                report = imported.adfJSON
            } catch let error as ADFError {
                // XML cut short, or a file created before its content arrives (an upload that opens the file
                // first), may still be being written: retried until a minute after its last change.
                let firstByte = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
                // (A file over the bound was never read: nothing to wait for.)
                let unread = error.description.hasPrefix("document is larger")
                let mayBeUnfinished = !unread && (firstByte == nil || (firstByte == UInt8(ascii: "<") && error.description.hasPrefix("not well-formed")))
                if mayBeUnfinished, let modified = attributes[.modificationDate] as? Date,
                   Date().timeIntervalSince(modified) < Self.incompleteGrace { continue }
                outcome.folder = "quarantine"
                outcome.error = error.description
                report = .object(["error": .string(error.description)])
            } catch let error as ReplicaError where error.code == .busy {
                throw error  // the database is busy: the file stays and is tried on the next pass
            } catch {
                // Anything else about this file (it could not be stored): quarantined with the reason, so
                // one file never holds up the ones after it.
                outcome.folder = "quarantine"
                outcome.error = "\(error)"
                report = .object(["error": .string("\(error)")])
            }
            guard case .object(var object) = report else { continue }
            object["file"] = .string(name)
            object["movedTo"] = .string(outcome.folder)
            object["processedAt"] = .string(Timestamp.string(milliseconds: replica.wallClock.nowMilliseconds()))
            let target = Self.freeName(for: name, in: outcome.folder == "done" ? done : quarantine)
            let reportData = try JSONValue.object(object).encoded()
            try reportData.write(to: target.deletingLastPathComponent().appendingPathComponent(target.lastPathComponent + ".report.json"))
            try fm.moveItem(at: file, to: target)
            outcomes.append(outcome)
        }
        return outcomes
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
