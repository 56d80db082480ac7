// extract/secrets: formats found, placeholders ignored, values never stored.
#include <gtest/gtest.h>

#include <set>

#include "test_support.h"

namespace mlaudit {
namespace {

const std::string kAws = "AKIAQ7R3YZ4T6W2VXN5M";
const std::string kGithub = "ghp_Zx9vQ2mR7tL4kP8wN3jH6fD1sA5gB0cE2yU7";

TEST(Secrets, ProviderFormatsAndAssignments) {
  testing::TempDir root;
  root.write("settings.py", "AWS_KEY = \"" + kAws + "\"\nGITHUB = '" + kGithub +
                                "'\nDB_PASSWORD = \"t7#Kq9!zW2pL\"\npassword = \"changeme\"\napi_key = \"your-api-key-here\"\n"
                                "SECRET_KEY = 'this-really-needs-to-be-changed'\nsecret = \"Please change me before going live\"\n"
                                "token = os.environ[\"TOKEN\"]\nsample = \"AKIAIOSFODNN7EXAMPLE\"\n");
  root.write("deploy/key.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAw3x\nabcdef\n-----END RSA PRIVATE KEY-----\n");
  auto secrets = testing::facts_of(testing::extract(root.path()), FactType::secret);
  std::vector<std::string> kinds;
  for (const auto& fact : secrets) kinds.push_back(fact.props["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"private-key", "aws-access-key-id", "github-token", "generic-credential"}));
  const Fact& key = secrets[0];
  EXPECT_EQ(key.location.line, 1u);
  EXPECT_EQ(key.location.end_line, 4u);
  EXPECT_EQ(secrets[1].location.line, 1u);
  EXPECT_EQ(secrets[1].location.column, 12u);
}

TEST(Secrets, FactsNeverHoldTheValue) {
  testing::TempDir root;
  root.write("a.yaml", "aws_key: " + kAws + "\ngithub_token: " + kGithub + "\n");
  for (const auto& fact : testing::facts_of(testing::extract(root.path()), FactType::secret)) {
    std::string dumped = fact.props.dump();
    EXPECT_EQ(dumped.find(kAws), std::string::npos);
    EXPECT_EQ(dumped.find(kGithub), std::string::npos);
    EXPECT_EQ(dumped.find(kGithub.substr(0, 12)), std::string::npos);
  }
}

TEST(Secrets, UnquotedSettingsOnlyOutsideCode) {
  testing::TempDir root;
  root.write("config.ini", "[db]\npassword = Xk29vLq8rTz\n");
  root.write("code.py", "password = get_password()\nsecret = settings.SECRET_VALUE\n");
  // Other languages' identifiers and a long prose document's test vectors are no settings.
  root.write("web/client.ts", "const client = new Client({\n  apiKey: LANGSMITH_API_KEY,\n  guestToken: data.token,\n});\n");
  root.write("corpus/rfc9001.txt", std::string(70000, ' ') + "\n   secret = 9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b\n");
  root.write("notes.txt", "password = Xk29vLq8rTz7\n");  // a short text file can be a settings file
  auto secrets = testing::facts_of(testing::extract(root.path()), FactType::secret);
  std::set<std::string> files;
  for (const auto& fact : secrets) files.insert(fact.location.file);
  EXPECT_EQ(files, (std::set<std::string>{"config.ini", "notes.txt"}));
}

}  // namespace
}  // namespace mlaudit
