import Foundation

/// Runs `body` with a fresh empty directory that is removed afterwards, so tests running in
/// parallel never share files.
@discardableResult
public func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let template = NSTemporaryDirectory() + "/swarmsim-capture-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let created = mkdtemp(&bytes) else {
        throw TestFailure("mkdtemp(\(template)) failed: \(String(cString: strerror(errno)))")
    }
    let path = String(cString: created)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// The names in `directory`, sorted, including hidden ones.
public func directoryListing(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

/// The bytes of the file at `path`.
public func fileBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw TestFailure("cannot read \(path)") }
    return [UInt8](data)
}

public func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

/// A test-side failure with a message, thrown so the test fails with that message.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
