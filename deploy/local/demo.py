"""Loads the demo federation through the public APIs and shows what the services made of it.

某县教育工会 (county-edu) with 36 school unions (小学, 中学, 幼儿园 and schools for migrant workers'
children), 2–4 union groups each and about 1,190 members imported from CSV rosters; staff counts
and membership rates; a few retirees and a teacher exchange; dues at 0.5% of each member's base
salary collected for October 2026; the first demo's term of money flows for its four schools
(employer's 2% funds split 60/40, remittances, a 2,000-yuan table-tennis table allocated, 10,100
yuan of instruments within budget); a year of county activities with registrations, a waitlist
and prize money paid from the county's books (activity expense 5102); 实验中学's 第十四届教代会第三次
会议 with proposals, answers and a vote; a survey answered by 82%; and an approved 先进个人
nomination. The package ``demo/`` next to this file holds the parts. Running it again loads
nothing and prints the summaries.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from demo.main import main

if __name__ == "__main__":
    main()
