#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX file operations capture needs, with errors as `CaptureError` values.
///
/// Kept on plain POSIX calls (no Foundation) so that failures carry `strerror(errno)`, the
/// text a user recognises from the shell, and so the module stays small.
enum FileSystem {
    /// `strerror(code)`, e.g. `No such file or directory`.
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Whether `path` names an existing directory (following symlinks).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p path`: creates `path` and its missing parents. O(number of components).
    static func makeDirectories(_ path: String) throws(CaptureError) {
        if isDirectory(path) { return }
        var current = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if !current.isEmpty && !current.hasSuffix("/") { current += "/" }
            current += component
            if isDirectory(current) { continue }
            if mkdir(current, 0o777) != 0 {
                let code = errno
                // Another process may have created it between the check and the mkdir.
                if code == EEXIST && isDirectory(current) { continue }
                throw .cannotCreateDirectory(path: path, reason: errorText(code == EEXIST ? ENOTDIR : code))
            }
        }
    }

    /// Atomically replaces `to` with `from` (rename(2)), so readers never see a partial file.
    static func moveIntoPlace(from: String, to: String) throws(CaptureError) {
        if rename(from, to) != 0 { throw .cannotRename(from: from, to: to, reason: errorText(errno)) }
    }

    /// Removes a file, ignoring a file that is already gone.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// `directory/name`, without doubling a trailing slash.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// `name` with every character a file name cannot or should not hold replaced by `-`:
    /// `/` (a path separator), `:` (illegal on Windows and macOS Finder), `\`, NUL and other
    /// control characters. O(n).
    static func safeFileName(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x2F /* / */, 0x3A /* : */, 0x5C /* \ */:
                scalars.append("-")
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
