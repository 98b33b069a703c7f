# carecard — plain Makefile.  `make help` lists the targets.
#   make            build bin/carecard
#   make demo       install deps, build, ingest fixtures/demo, write reports/demo/
#   make test       install deps, build, run the whole suite (ends "N passed, N failed, N skipped")
#   make SANITIZE=1 test   the same under ASan+UBSan
#   make bench      benchmark at city scale (bench-small: a small city; bench-province:
#                   30,000 communities over a quarter); see docs/benchmark.md
#   make fuzz FUZZ_SECONDS=600   fuzz every parser;  make check-long   valgrind, long trials
#   make V=1        show the commands
VERSION   := 1.0.0
PREFIX    ?= /usr/local
BUILD     ?= build
CC        ?= cc
PKGS      := xlsxwriter cairo pangocairo sqlite3 jansson nettle libpng zlib minizip expat freexl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -liniparser -lm -lpthread

OPT       ?= -O2 -g
WARN      := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2
HARDEN    := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP -Ilib -I$(BUILD)/gen -DCARECARD_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(LDFLAGS)
ifeq ($(STRICT),1)
CFLAGS_ALL += -Werror
endif
ifeq ($(SANITIZE),1)
BUILD     := $(BUILD)-san
OPT       := -O1 -g -fno-omit-frame-pointer
CFLAGS_ALL += -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS_ALL += -fsanitize=address,undefined
else
CFLAGS_ALL += $(HARDEN)
endif

ifneq ($(V),1)
Q  := @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q  :=
say =
endif

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
GEN_SRC  := $(sort $(wildcard fixtures/gen/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(BUILD)/libcarecard.a
# bin/carecard is the normal build; a sanitizer build stays in build-san/.
ifeq ($(SANITIZE),1)
BIN      := $(BUILD)/carecard
else
BIN      := bin/carecard
endif
GEN      := $(BUILD)/carecard-gen

.PHONY: all deps demo test unit e2e bench bench-small bench-province fuzz check-long install clean help
all: $(BIN) $(GEN)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)mkdir -p $(dir $@) && $(CC) $(CFLAGS_ALL) -c $< -o $@

# The schema is SQL in lib/store/schema.sql, embedded as a C string.
$(BUILD)/gen/store/schema.inc: lib/store/schema.sql
	$(call say,GEN,$@)mkdir -p $(dir $@) && { echo 'static const char cc_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@
$(BUILD)/lib/store/open.o: $(BUILD)/gen/store/schema.inc

$(LIBA): $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/carecard: $(CMD_OBJ) $(LIBA)
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $(CMD_OBJ) $(LIBA) $(PKG_LIBS)

bin/carecard: $(BUILD)/carecard
	$(Q)mkdir -p bin && cp $< $@

$(GEN): $(GEN_SRC:%.c=$(BUILD)/%.o) $(LIBA)
	$(call say,LINK,$@)$(CC) $(LDFLAGS_ALL) -o $@ $(GEN_SRC:%.c=$(BUILD)/%.o) $(LIBA) $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBA)
	$(call say,LINK,$@)mkdir -p $(dir $@) && $(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBA) $(PKG_LIBS) -lcmocka

# LD_PRELOAD library for the disk-full tests (tests/e2e/test_faults.py).
FAULT_LIB := $(BUILD)/tests/failwrite.so
$(FAULT_LIB): tests/faults/failwrite.c
	$(call say,CC,$<)mkdir -p $(dir $@) && $(CC) -shared -fPIC -O2 -o $@ $< -ldl
# LD_PRELOAD check that nothing closes a descriptor of a locked database file
# behind SQLite's back (tests/e2e/test_race.py).
LOCKWATCH_LIB := $(BUILD)/tests/lockwatch.so
$(LOCKWATCH_LIB): tests/faults/lockwatch.c
	$(call say,CC,$<)mkdir -p $(dir $@) && $(CC) -shared -fPIC -O2 -o $@ $< -ldl

deps:
	$(Q)scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(BUILD)

test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN) $(FAULT_LIB) $(LOCKWATCH_LIB)
	$(Q)BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run.sh

unit: all $(UNIT_BIN)
	$(Q)BUILD=$(BUILD) ONLY=unit tests/run.sh

e2e: all $(FAULT_LIB) $(LOCKWATCH_LIB)
	$(Q)BUILD=$(BUILD) ONLY=e2e tests/run.sh

# deps first, then a new make: PKG_CFLAGS is read when the Makefile is parsed,
# so a build in the same make as the install would miss the new packages' flags.
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench.sh city

bench-small: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench.sh small

# 30,000 communities, one quarter, inbox layout only (about 3 GB of CSV; takes long)
bench-province: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench.sh province

fuzz: deps
	$(Q)scripts/fuzz.sh $(or $(FUZZ_SECONDS),10)

check-long: deps
	$(Q)scripts/check-long.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/carecard
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/carecard
	install -m 0644 indicators.ini $(DESTDIR)$(PREFIX)/share/carecard/indicators.ini

clean:
	rm -rf build build-* bin

help:
	@sed -n '1,/^VERSION/p' Makefile | grep '^#' | sed 's/^# \{0,1\}//'

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d) $(GEN_SRC:%.c=$(BUILD)/%.d)
.SECONDARY:
