#include "hostile_cases.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdexcept>

#include "hostile_bytes.h"

namespace mlaudit::hostile {
namespace fs = std::filesystem;
namespace {

std::string repeat(const std::string& text, size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (size_t i = 0; i < times; ++i) out += text;
  return out;
}

void fifo(const fs::path& path) {
  fs::create_directories(path.parent_path());
  if (::mkfifo(path.c_str(), 0644) != 0) throw std::runtime_error("mkfifo " + path.string());
}

void unix_socket(const fs::path& path) {
  fs::create_directories(path.parent_path());
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string text = path.string();
  if (fd < 0 || text.size() >= sizeof address.sun_path) throw std::runtime_error("socket " + text);
  text.copy(address.sun_path, text.size());
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("bind " + text);
  ::close(fd);  // the socket file stays
}

void link(const fs::path& target, const fs::path& path) {
  fs::create_directories(path.parent_path());
  fs::create_symlink(target, path);
}

const std::string kEval = "import sys\neval(sys.argv[1])\n";
const std::string kPeopleCsv = "name,email,phone\nAnna Berg,anna.berg@example.com,+49 30 1234567\n"
                               "Jonas Weber,jonas.weber@example.org,+49 40 7654321\n";

std::vector<HostileCase> make_cases() {
  std::vector<HostileCase> cases;
  auto add = [&](std::string name, std::string attack, std::string file, std::string reason,
                 std::function<void(const fs::path&, const fs::path&, bool)> build) {
    cases.push_back({std::move(name), std::move(attack), std::move(file), std::move(reason), std::move(build)});
  };

  // ---- parser bombs in configuration files
  add("yaml-flow-comma", "`{},` made yaml-cpp loop forever, allocating 230 MB/s", "config.yml", "invalid YAML",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "config.yml", "{},\n"); });
  add("json-flow-comma", "`[],` in a .json file, parsed as YAML", "settings.json", "invalid JSON",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "settings.json", "[],\n"); });
  add("yaml-mapping-comma", "`{a: 1},` in a Kubernetes-looking manifest", "deploy/values.yaml", "invalid YAML",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "deploy/values.yaml", "{a: 1},\nkind: Pod\n"); });
  add("yaml-deep", "a YAML flow sequence nested 100,000 deep", "deep.yaml", "nesting_depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "deep.yaml", std::string(100000, '[') + std::string(100000, ']') + "\n");
      });
  add("json-deep", "a JSON array nested 100,000 deep", "deep.json", "nesting_depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "deep.json", std::string(100000, '[') + std::string(100000, ']'));
      });
  add("yaml-billion-laughs", "nine levels of nine aliases: 387 million nodes once expanded", "lol.yaml", "yaml_nodes",
      [](const fs::path& root, const fs::path&, bool) {
        std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
        for (int level = 1; level <= 9; ++level) {
          std::string previous = "*a" + std::to_string(level - 1);
          text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [" + previous;
          for (int i = 1; i < 9; ++i) text += ", " + previous;
          text += "]\n";
        }
        write_file(root / "lol.yaml", text);
      });
  add("yaml-recursive-alias", "an alias inside its own anchor (a cyclic document)", "cycle.yml", "invalid YAML",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "cycle.yml", "a: &a [1, *a]\n"); });
  add("xml-billion-laughs", "nested XML entities", "lol.xml", "entit",
      [](const fs::path& root, const fs::path&, bool) {
        std::string text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
        for (int level = 1; level <= 9; ++level) {
          std::string previous = level == 1 ? "&lol;" : "&lol" + std::to_string(level - 1) + ";";
          text += "<!ENTITY lol" + std::to_string(level) + " \"" + repeat(previous, 10) + "\">\n";
        }
        text += "]>\n<lolz>&lol9;</lolz>\n";
        write_file(root / "lol.xml", text);
      });
  add("toml-deep", "a TOML table header of 100,000 dotted keys (stack overflow in toml++)", "pyproject.toml", "nesting_depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "pyproject.toml", "[" + repeat("a.", 99999) + "a]\nx = 1\n");
      });
  add("toml-dotted-key", "a TOML key of 100,000 dotted parts", "config/settings.toml", "nesting_depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "config/settings.toml", repeat("k.", 99999) + "k = 1\n");
      });
  add("ini-many-sections", "40,000 INI sections (a line search per section was quadratic)", "setup.cfg",
      "config.mlflow-http-tracking",
      [](const fs::path& root, const fs::path&, bool) {
        std::string text;
        for (int i = 0; i < 40000; ++i) text += "[section" + std::to_string(i) + "]\nkey = value\n";
        text += "[mlflow]\ntracking_uri = http://mlflow.example.com:5000\n";
        write_file(root / "setup.cfg", text);
      });
  add("dockerfile-continuations", "100,000 continuation lines, then a heredoc never closed", "Dockerfile", "line_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        std::string text = "FROM python:3.11\nRUN echo start \\\n" + repeat("    aaaaaaaaaaaaaaaaaaaa \\\n", 100000) + "    end\n";
        text += "RUN <<EOF\n" + repeat("echo never closed\n", 100000);
        write_file(root / "Dockerfile", text);
      });

  // ---- datasets
  add("csv-sparse-3gb", "valid rows, then a 3 GB field of NUL bytes (sparse)", "data/customers.csv", "field_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        // 16 KB of rows first, so the file looks like the CSV it claims to be.
        std::string rows = "name,email,phone\n";
        while (rows.size() < 16384) rows += "Anna Berg,anna.berg@example.com,+49 30 1234567\n";
        write_sparse(root / "data/customers.csv", rows, 3ull << 30);
      });
  add("csv-100k-columns", "100,000 columns (a header search per column was quadratic)", "wide.csv", "dataset_columns",
      [](const fs::path& root, const fs::path&, bool) {
        std::string header, row;
        for (int i = 0; i < 100000; ++i) {
          header += (i ? ",email_" : "email_") + std::to_string(i);
          row += i ? ",a@example.com" : "a@example.com";
        }
        write_file(root / "wide.csv", header + "\n" + row + "\n" + row + "\n");
      });
  add("csv-million-columns", "1,000,000 columns (one profiler each: 1.8 GB)", "columns.csv", "dataset_columns",
      [](const fs::path& root, const fs::path&, bool) {
        std::string row = repeat("x,", 999999) + "x\n";
        write_file(root / "columns.csv", row + row);
      });
  add("csv-unterminated-quote", "a quoted field opened and never closed for 4 MB", "quotes.csv", "field_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "quotes.csv", "id,comment\n1,\"" + std::string(4 << 20, 'x') + "\n");
      });
  add("jsonl-huge-record", "a JSON-lines record of 4 MB", "events.jsonl", "field_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "events.jsonl", "{\"email\": \"a@example.com\"}\n{\"blob\": \"" + std::string(4 << 20, 'x') + "\"}\n");
      });
  add("json-records-huge-string", "an array of records holding one 4 MB string", "records.json", "field_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "records.json", "[{\"email\": \"a@example.com\", \"blob\": \"" + std::string(4 << 20, 'x') + "\"}]\n");
      });

  // ---- code
  add("python-9mb-list", "a 9 MB list literal (tree-sitter took 1 GB)", "weights.py", "literal_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "weights.py", "WEIGHTS = [" + repeat("1, ", 3000000) + "]\n" + kEval);
      });
  add("python-deep-brackets", "parentheses nested 100,000 deep", "deep.py", "nesting_depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "deep.py", "x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "\n" + kEval);
      });
  add("notebook-deep", "a notebook whose cells are nested 100,000 deep", "analysis.ipynb", "notebook|JSON|nest|depth",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "analysis.ipynb", "{\"cells\": " + std::string(100000, '[') + std::string(100000, ']') +
                                                ", \"metadata\": {}, \"nbformat\": 4}");
      });

  // ---- names and bytes that are not UTF-8
  add("name-not-utf8", "a file name with bytes that are not UTF-8", "bad\\xff\\xfename.py", "not valid UTF-8",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "bad\xff\xfename.py", kEval); });
  add("folder-not-utf8", "a folder name that is not UTF-8, holding a finding", "data\\xc3(", "not valid UTF-8",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "data\xc3\x28/serve.py", kEval); });
  add("source-not-utf8", "a Python string literal with invalid UTF-8 on the line of a finding", "app.py", "code.eval-exec",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "app.py", "import sys\nlabel = '\xff\xfe\xc0\xaf'\neval(sys.argv[1])  # \xed\xa0\x80 surrogate\n");
      });
  add("pickle-global-not-utf8", "a pickle global whose module name is not UTF-8", "model.pkl", "model\\.pickle",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "model.pkl", pickle_global_call("os\xff", "system", "id")); });
  add("zip-member-not-utf8", "a zip member name that is not UTF-8, holding os.system", "bundle.zip", "model\\.pickle|member",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "bundle.zip", zip_archive({{"payload\xff.pkl", pickle_global_call("os", "system", "id")}}));
      });
  add("tar-member-not-utf8", "a tar member name that is not UTF-8, holding os.system", "bundle.tar", "model\\.pickle|member",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "bundle.tar", tar_archive({{"payload\xfe.pkl", pickle_global_call("os", "system", "id")}}));
      });

  // ---- globs
  add("gitignore-exponential", "12,000 `**/a*b*c*d*e*f*` lines in .gitignore", ".gitignore", "ignore_patterns",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / ".gitignore", repeat("**/a*b*c*d*e*f*\n", 12000));
        write_file(root / (std::string(60, 'a') + ".py"), kEval);
      });
  add("exclude-exponential", "an exclude `*a*a*…*b` in .mlaudit.yml", std::string(60, 'a') + "b.py", "ignored by",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / ".mlaudit.yml", "exclude: [\"" + repeat("*a", 40) + "*b.py\"]\n");
        write_file(root / (std::string(60, 'a') + "b.py"), kEval);
      });
  add("disable-exponential", "rules.disable with a `*?*?…` pattern", "app.py", "code.eval-exec",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / ".mlaudit.yml", "rules:\n  disable: [\"" + repeat("*?", 60) + "x\"]\n");
        write_file(root / "app.py", kEval);
      });
  add("suppression-exponential", "a suppression comment with a `*?*?…` id", "app.py", "code.eval-exec",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "app.py", "import sys\neval(sys.argv[1])  # mlaudit: ignore[" + repeat("*?", 120) +
                                        "z] the pattern matches no rule\n");
      });
  add("pattern-too-long", "a 100 KB ignore pattern", ".mlauditignore", "pattern_bytes",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / ".mlauditignore", repeat("*a", 50000) + "\n");
        write_file(root / "app.py", kEval);
      });

  // ---- the tree itself
  add("config-link-outside", ".mlaudit.yml is a link to a file outside the tree that disables every rule", ".mlaudit.yml",
      "outside the scanned tree",
      [](const fs::path& root, const fs::path& outside, bool) {
        write_file(outside / "evil.yml", "rules:\n  disable: [\"*\"]\n");
        link(outside / "evil.yml", root / ".mlaudit.yml");
        write_file(root / "app.py", kEval);
      });
  add("config-fifo", ".mlaudit.yml is a named pipe (reading it would block)", ".mlaudit.yml", "named pipe",
      [](const fs::path& root, const fs::path&, bool) {
        fifo(root / ".mlaudit.yml");
        write_file(root / "app.py", kEval);
      });
  add("rule-folders-outside", "rules.folders pointing at /proc/self and at a folder beside the tree", ".mlaudit.yml",
      "outside the scanned tree",
      [](const fs::path& root, const fs::path& outside, bool) {
        write_file(outside / "rules/steal.yml", "id: steal\n");
        write_file(root / ".mlaudit.yml", "rules:\n  folders: [/proc/self, ../outside/rules]\n");
        write_file(root / "app.py", kEval);
      });
  add("rule-pack-link-outside", "an in-tree rule pack whose rule file links outside the tree", "app.py", "code.eval-exec",
      [](const fs::path& root, const fs::path& outside, bool) {
        write_file(outside / "secret.yml", "password: hunter2\n");
        write_file(root / ".mlaudit.yml", "rules:\n  folders: [audit-rules]\n");
        link(outside / "secret.yml", root / "audit-rules/team.leak.yml");
        write_file(root / "app.py", kEval);
      });
  add("symlink-loop", "links that lead back to themselves", "loop-a", "loop",
      [](const fs::path& root, const fs::path&, bool) {
        link("loop-b", root / "loop-a");
        link("loop-a", root / "loop-b");
        link("self", root / "self");
      });
  add("symlink-dangling", "a link to /nonexistent", "gone.csv", "dangling",
      [](const fs::path& root, const fs::path&, bool) { link("/nonexistent/people.csv", root / "gone.csv"); });
  add("symlink-escape", "links to a file and a folder outside the tree", "escape.csv", "outside the scanned root",
      [](const fs::path& root, const fs::path& outside, bool) {
        write_file(outside / "people.csv", kPeopleCsv);
        link(outside / "people.csv", root / "escape.csv");
        link("..", root / "up");
      });
  add("fifo-dataset", "a named pipe named like a dataset", "data/stream.csv", "named pipe",
      [](const fs::path& root, const fs::path&, bool) { fifo(root / "data/stream.csv"); });
  add("unix-socket", "a Unix socket in the tree", "run/app.sock", "socket",
      [](const fs::path& root, const fs::path&, bool) { unix_socket(root / "run/app.sock"); });
  add("empty-files", "200,000 empty files (20,000 in the test)", "many/0/0.txt", "empty file",
      [](const fs::path& root, const fs::path&, bool full_size) {
        for (int folder = 0; folder < (full_size ? 200 : 20); ++folder) {
          fs::path dir = root / "many" / std::to_string(folder);
          fs::create_directories(dir);
          for (int file = 0; file < 1000; ++file) {
            fs::path path = dir / (std::to_string(file) + ".txt");
            int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0644);
            if (fd < 0) throw std::runtime_error("create " + path.string());
            ::close(fd);
          }
        }
      });
  add("path-too-long", "folders nested past PATH_MAX (4,096 bytes)", std::string(200, 'd') + "/*", "File name too long",
      [](const fs::path& root, const fs::path&, bool) {
        fs::create_directories(root);
        int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
        std::string name(200, 'd');
        for (int level = 0; level < 30 && fd >= 0; ++level) {
          ::mkdirat(fd, name.c_str(), 0755);
          int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
          ::close(fd);
          fd = next;
        }
        if (fd >= 0) {
          int file = ::openat(fd, "deep.py", O_CREAT | O_WRONLY, 0644);
          if (file >= 0) {
            (void)!::write(file, kEval.data(), kEval.size());
            ::close(file);
          }
          ::close(fd);
        }
      });

  // ---- sniffing
  add("nul-in-python", "one NUL byte in a Python file", "app.py", "code.eval-exec",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "app.py", std::string("# \0 nul\n", 8) + kEval); });
  add("nul-in-csv", "one NUL byte in a personal-data CSV", "customers.csv", "gdpr\\.",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "customers.csv", kPeopleCsv + std::string("Eva Roth,eva.roth@example.net,+49 89 5550101\0\n", 46));
      });
  add("nul-in-yaml", "one NUL byte in a Kubernetes manifest", "pod.yml", "invalid YAML|config\\.k8s",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "pod.yml", std::string("apiVersion: v1\nkind: Pod\n# \0\nspec:\n  containers:\n"
                                                 "    - name: app\n      image: app:1\n      securityContext: {privileged: true}\n",
                                                 120));
      });

  // ---- model files (the model parsers' own limits)
  add("nested-pickles", "pickle.loads of a pickle, nested 100,000 deep (stack overflow in the pickle machine)", "nested.pkl",
      "model\\.|limit|depth|nest",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "nested.pkl", nested_loads_pickle(100000)); });
  add("joblib-nested-object-arrays", "joblib object arrays nested 100,000 deep (stack overflow in the pickle machine)",
      "model.joblib", "model\\.|limit|depth|nest",
      [](const fs::path& root, const fs::path&, bool) { write_file(root / "model.joblib", nested_joblib_object_arrays(100000)); });
  add("pickle-50m-opcodes", "50 million container opcodes (3.1 GB of heap values)", "big.pkl", "model\\.|limit",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "big.pkl", std::string("\x80\x04", 2) + repeat("]0", 25000000) + "N.");
      });
  add("truncated-pickles", "pickles of protocols 0 to 5 cut in the middle", "cut_p4.pkl", "model\\.|damaged|truncated|malformed",
      [](const fs::path& root, const fs::path&, bool) {
        using namespace std::string_literals;
        write_file(root / "cut_p0.pkl", "(dp0\nS'a'\np1\nI1\ns"s);
        write_file(root / "cut_p1.pkl", "}q\x00(U\x01" "aq\x01K\x01"s);
        write_file(root / "cut_p2.pkl", "\x80\x02}q\x00(X\x01\x00\x00\x00" "aq\x01"s);
        write_file(root / "cut_p3.pkl", "\x80\x03}q\x00(X\x01\x00\x00\x00" "a"s);
        write_file(root / "cut_p4.pkl", "\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01"s);
        write_file(root / "cut_p5.pkl", "\x80\x05\x95\x20\x00\x00\x00\x00\x00\x00\x00\x8c\x02" "os\x8c"s);
      });
  add("onnx-10m-nodes", "an ONNX graph of 10 million empty nodes (1.4 GB parsed)", "model.onnx", "model\\.|limit|onnx",
      [](const fs::path& root, const fs::path&, bool) {
        std::string graph = repeat(std::string("\x0a\x00", 2), 10000000);
        std::string size;  // varint of the graph's length
        for (uint64_t value = graph.size(); ; value >>= 7) {
          if (value < 0x80) { size += static_cast<char>(value); break; }
          size += static_cast<char>((value & 0x7F) | 0x80);
        }
        write_file(root / "model.onnx", std::string("\x08\x07\x3a", 3) + size + graph);
      });
  add("keras-class-name-repeat", "40,000 `{\"class_name\":` after an HDF5 signature (each restarted a 64 MiB scan)",
      "model.h5", "model\\.|limit|keras",
      [](const fs::path& root, const fs::path&, bool) {
        // ... and then a model config with a Lambda layer, which must still be found.
        write_file(root / "model.h5", std::string("\x89HDF\r\n\x1a\n", 8) + repeat("{\"class_name\": ", 40000) +
                                          std::string(16, '\0') +
                                          R"({"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", )"
                                          R"("config": {"name": "l", "function": "lambda x: x"}}]}})");
      });
  add("zip-member-lies", "an npz member that claims 10 KB and inflates to 256 MB", "arrays.npz", "model\\.|limit|member|size",
      [](const fs::path& root, const fs::path&, bool) {
        uint32_t crc = 0;
        std::string data = deflate_zeros(256ull << 20, false, &crc);
        write_file(root / "arrays.npz", zip_archive({{"x.npy", data, true, 10240, crc}}));
      });
  add("zip-bomb", "a zip member of 1 GB of zeros (1 MB compressed)", "weights.zip", "model\\.|limit|expan|member",
      [](const fs::path& root, const fs::path&, bool) {
        uint32_t crc = 0;
        std::string data = deflate_zeros(1ull << 30, false, &crc);
        write_file(root / "weights.zip", zip_archive({{"weights.bin", data, true, 1ull << 30, crc}}));
      });
  add("gzip-bomb", "a gzip-compressed pickle (eval) followed by 1 GB of zeros", "model.pkl.gz", "model\\.|limit|cut|inflat|gzip",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "model.pkl.gz", deflate_zeros(1ull << 30, true, nullptr, pickle_global_call("builtins", "eval", "1+1")));
      });
  add("zip-slip", "zip members named ../../etc/cron.d/x and /etc/passwd", "evil.zip", "model\\.archive-path-traversal",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "evil.zip", zip_archive({{"../../etc/cron.d/x", "* * * * * root id\n"}, {"/etc/passwd", "root::0:0::/:/bin/sh\n"}}));
      });
  add("model-sparse-3gb", "a 3 GB sparse model.pt (the end-of-central-directory search read all of it)", "model.pt",
      "model\\.|limit|zip|damaged|central",
      [](const fs::path& root, const fs::path&, bool) {
        // a pickle that calls eval (the finding that must survive the 3 GB), then 3 GB of storage
        write_sparse(root / "model.pt", pickle_global_call("builtins", "eval", "1+1"), 3ull << 30);
      });
  add("safetensors-header-lies", "a safetensors header that claims 2^62 bytes", "model.safetensors", "model\\.|header|damaged",
      [](const fs::path& root, const fs::path&, bool) {
        write_file(root / "model.safetensors", std::string("\x00\x00\x00\x00\x00\x00\x00\x40{\"a\":1}", 15));
      });
  add("npy-header-lies", "an .npy object array whose header claims 10^15 elements", "array.npy", "model\\.|header|damaged|pickle",
      [](const fs::path& root, const fs::path&, bool) {
        std::string header = "{'descr': '|O', 'fortran_order': False, 'shape': (1000000000000000,), }";
        header += std::string(118 - header.size(), ' ') + "\n";
        write_file(root / "array.npy", std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size() & 0xFF) +
                                           static_cast<char>(header.size() >> 8) + header +
                                           pickle_global_call("os", "system", "id"));
      });
  return cases;
}

}  // namespace

const std::vector<HostileCase>& hostile_cases() {
  static const std::vector<HostileCase> cases = make_cases();
  return cases;
}

const HostileCase* find_hostile_case(const std::string& name) {
  for (const auto& item : hostile_cases())
    if (item.name == name) return &item;
  return nullptr;
}

}  // namespace mlaudit::hostile
