import {
  EMR_RELEASE_IMAGE_ACCOUNTS,
  emrReleaseImageRepositories,
} from './emrReleaseImages';
import { imageProblem, parseImageAllowEntry } from './images';

describe('emrReleaseImageRepositories', () => {
  it.each(Object.keys(EMR_RELEASE_IMAGE_ACCOUNTS))(
    'gives %s one valid allow-list entry in its own region',
    region => {
      const entries = emrReleaseImageRepositories(region);
      expect(entries).toHaveLength(1);
      expect(parseImageAllowEntry(entries[0])).toMatchObject({ ok: true });
      expect(entries[0]).toMatch(
        new RegExp(
          `^\\d{12}\\.dkr\\.ecr\\.${region}\\.amazonaws\\.com(\\.cn)?/spark/$`,
        ),
      );
    },
  );

  it('allows no release image of another region', () => {
    const [us] = emrReleaseImageRepositories('us-east-1');
    const [eu] = emrReleaseImageRepositories('eu-west-1');
    expect(imageProblem(`${eu}emr-7.5.0:latest`, [us])).toContain(
      'is not in an image repository',
    );
  });

  it('has no default for a region it does not know', () => {
    expect(emrReleaseImageRepositories('xx-nowhere-1')).toEqual([]);
    expect(emrReleaseImageRepositories('constructor')).toEqual([]);
  });
});
